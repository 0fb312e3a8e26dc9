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
    for (const [flag, option] of Object.entries(command.flags)) {
      assert.ok(option.help.trim().length > 10, `${name} --${flag} has no help text`);
      const line = help.split('\n').find((l) => l.trimStart().startsWith(`--${flag} `));
      assert.ok(line, `${name} --help has no line for --${flag}`);
      assert.ok(line.includes(option.help), `${name} --${flag}: its line lacks its help text`);
      if (option.type === 'string' && option.default !== undefined)
        assert.ok(line.endsWith(`(default: ${option.default})`), `${name} --${flag}: no default`);
    }
  }
});

test("every flag's default passes the flag's own schema", async () => {
  for (const [name, entry] of Object.entries(commands)) {
    const command = await entry.load();
    for (const [flag, option] of Object.entries(command.flags)) {
      if (option.type === 'string' && option.default === undefined) continue;
      const given = option.type === 'string' ? option.default : undefined;
      assert.ok(option.schema.safeParse(given).success, `${name} --${flag}: ${given} is refused`);
    }
  }
});

test('malformed and missing flags are one user error naming each, with the usage', async () => {
  const result = await runSentinel(['demo-data', '--pool', 'many', '--size', '64x64']);
  assert.equal(result.exitCode, 2);
  assert.match(result.stderr, /^error: demo-data:\n {2}--out DIR is required\n/);
  assert.match(result.stderr, /\n {2}--pool "many" is not a whole number\n/);
  assert.match(result.stderr, /\n {2}--size "64x64" is not a grid size/);
  assert.match(result.stderr, /\nhint: usage: sentinel demo-data --out DIR/);
  assert.doesNotMatch(result.stderr, /at .*\.js:\d+/);
  const unknown = await runSentinel(['report', '--run', 'x', '--format', 'md,pdf']);
  assert.equal(unknown.exitCode, 2);
  assert.match(unknown.stderr, /^error: report: --format unknown report format "pdf"\n/);
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
