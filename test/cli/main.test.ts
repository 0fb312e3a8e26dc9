import assert from 'node:assert/strict';
import { test } from 'node:test';
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
