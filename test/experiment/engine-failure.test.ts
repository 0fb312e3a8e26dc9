import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { runSentinel } from '../run-cli.js';
import { tinyExperiment } from './tiny-config.js';

test('a run whose engine fails ends with the failure (exit 1), and no empty table before it', async () => {
  const { dir, config } = await tinyExperiment('engine-failure');
  const failing = join(dir, 'failing.yaml');
  const text = await readFile(config, 'utf8');
  await writeFile(
    failing,
    text.replace(/command: \[.*\]/, 'command: ["/bin/false", "{action}", "{request}"]'),
  );
  const args = ['al-run', '--config', failing, '--methods', 'random', '--seeds', '1'];
  const result = await runSentinel([...args, '--budget', '2', '--out', join(dir, 'run')]);
  assert.equal(result.exitCode, 1, result.stderr);
  assert.match(result.stderr, /error: 1 job\(s\) failed:\n {2}train\/m0: /);
  assert.doesNotMatch(result.stdout, /method +budget/, 'no table header without rows');
  assert.doesNotMatch(result.stderr, /internal error|\n\s+at /);
});
