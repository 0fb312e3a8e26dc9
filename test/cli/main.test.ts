import assert from 'node:assert/strict';
import { test } from 'node:test';
import { commands } from '../../src/cli/commands.js';
import { commandHelp } from '../../src/cli/main.js';
import { runSentinel } from '../run-cli.js';

test('an unknown command is a user error with exit code 2 and the valid commands', async () => {
  const result = await runSentinel(['no-such-command']);
  assert.equal(result.exitCode, 2);
  assert.match(result.stderr, /unknown command "no-such-command"/);
  assert.match(result.stderr, /valid commands: .*info/);
  assert.doesNotMatch(result.stderr, /at .*\.js:\d+/, 'no stack trace for a user error');
});

test('--help lists the commands', async () => {
  const result = await runSentinel(['--help']);
  assert.equal(result.exitCode, 0);
  assert.match(result.stdout, /Commands:/);
});

test("every command's --help gives each flag a line that says what it does", async () => {
  for (const [name, entry] of Object.entries(commands)) {
    const command = await entry.load();
    const help = commandHelp(`sentinel ${name}`, command);
    for (const [flag, option] of Object.entries(command.options)) {
      assert.ok(option.help.trim().length > 10, `${name} --${flag} has no help text`);
      const line = help.split('\n').find((l) => l.trimStart().startsWith(`--${flag} `));
      assert.ok(line, `${name} --help has no line for --${flag}`);
      assert.ok(line.includes(option.help), `${name} --${flag}: its line lacks its help text`);
      if (option.default !== undefined && option.default !== false)
        assert.ok(line.endsWith(`(default: ${option.default})`), `${name} --${flag}: no default`);
    }
  }
});

test('sentinel score --help names the value of each flag', async () => {
  const result = await runSentinel(['score', '--help']);
  assert.equal(result.exitCode, 0);
  assert.match(result.stdout, /^ {2}--workers N {2,}worker threads/m);
  assert.match(
    result.stdout,
    /^ {2}--out FILE {2,}scores, one row per case and organ \(default: qs-scores\.csv\)$/m,
  );
});
