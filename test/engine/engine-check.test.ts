import assert from 'node:assert/strict';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { runSentinel } from '../run-cli.js';
import { fakeEngine } from './engine-fixtures.js';

// engine-check through the real CLI, on configs written by the test.
async function configFor(engineYaml: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'engine-check-'));
  const path = join(dir, 'config.yaml');
  await writeFile(path, `name: test\nother: [ignored, by, engine-check]\n${engineYaml}`);
  return path;
}

const fakeEngineYaml = (name: string, mc = true) =>
  `engine:\n  name: ${name}\n  command: ["{node}", "${fakeEngine(name)}", "{action}", "--request", "{request}"]\n  supportsMcDropout: ${mc}\n`;

test('an engine that follows the contract passes every check (exit 0)', async () => {
  const result = await runSentinel([
    'engine-check',
    '--config',
    await configFor(fakeEngineYaml('good')),
  ]);
  assert.equal(result.exitCode, 0, result.stdout + result.stderr);
  assert.doesNotMatch(result.stdout, /FAIL/);
  for (const check of [
    /PASS {2}train: exits 0/,
    /PASS {2}masks: NIfTI label maps on the image's grid/,
    /PASS {2}masks: labels within \{0, 1, 2/,
    /PASS {2}probabilities: 10 channels/,
    /PASS {2}MC samples: differ from each other/,
  ]) {
    assert.match(result.stdout, check);
  }
  assert.match(result.stdout, /ok: all 10 checks passed/);
});

test('labels outside the class map fail their line (exit 1), the other checks still run', async () => {
  const result = await runSentinel([
    'engine-check',
    '--config',
    await configFor(fakeEngineYaml('bad-labels', false)),
  ]);
  assert.equal(result.exitCode, 1, result.stdout + result.stderr);
  assert.match(
    result.stdout,
    /FAIL {2}masks: labels within .*holds labels outside the class map: 77/,
  );
  assert.match(result.stdout, /PASS {2}masks: NIfTI label maps on the image's grid/);
  assert.match(result.stdout, /SKIP {2}MC samples: supportsMcDropout is false/);
  assert.match(result.stdout, /FAILED: 1 of 7 checks failed; files kept in/);
});

test('a mask on the wrong grid and identical MC samples are caught', async () => {
  const grid = await runSentinel([
    'engine-check',
    '--config',
    await configFor(fakeEngineYaml('wrong-grid')),
  ]);
  assert.equal(grid.exitCode, 1);
  assert.match(
    grid.stdout,
    /FAIL {2}masks: NIfTI label maps on the image's grid: .*dims 32 x 32 x 32 vs 32 x 32 x 31/,
  );
  const mc = await runSentinel([
    'engine-check',
    '--config',
    await configFor(fakeEngineYaml('identical-mc')),
  ]);
  assert.equal(mc.exitCode, 1);
  assert.match(mc.stdout, /FAIL {2}MC samples: differ from each other: .*identical/);
});

test('a crashing engine fails the train check with its log tail', async () => {
  const result = await runSentinel([
    'engine-check',
    '--config',
    await configFor(fakeEngineYaml('exit-nonzero')),
  ]);
  assert.equal(result.exitCode, 1);
  assert.match(
    result.stdout,
    /FAIL {2}train: exits 0 and writes a valid response .*: exit: exit-nonzero train: exited with code 1/,
  );
  assert.match(result.stdout, /\| RuntimeError: CUDA out of memory/);
  assert.match(result.stdout, /log: .*engine\.log/);
});

test('a config without a valid engine section is a user error (exit 2)', async () => {
  const missing = await runSentinel(['engine-check', '--config', await configFor('')]);
  assert.equal(missing.exitCode, 2);
  assert.match(missing.stderr, /engine/);
  const badPlaceholder = await runSentinel([
    'engine-check',
    '--config',
    await configFor('engine:\n  name: x\n  command: ["run", "{reqest}"]\n'),
  ]);
  assert.equal(badPlaceholder.exitCode, 2);
  assert.match(badPlaceholder.stderr, /engine\.command: unknown placeholder \{reqest\}/);
});

test('the reference engine passes with configs/demo.yaml', async () => {
  const demo = fileURLToPath(new URL('../../../configs/demo.yaml', import.meta.url));
  const result = await runSentinel([
    'engine-check',
    '--config',
    demo,
    '--params',
    '{"steps": 300}',
  ]);
  assert.equal(result.exitCode, 0, result.stdout + result.stderr);
  assert.match(result.stdout, /ok: all 10 checks passed/);
});

test('an engine configured uncertainty: fused that writes no fused maps fails that line', async () => {
  const yaml = `${fakeEngineYaml('good')}  uncertainty: fused\n`;
  const result = await runSentinel(['engine-check', '--config', await configFor(yaml)]);
  assert.equal(result.exitCode, 1, result.stdout + result.stderr);
  assert.match(
    result.stdout,
    /FAIL {2}fused uncertainty maps: .*the entropy map was asked for but not given/,
  );
  assert.match(result.stdout, /PASS {2}probabilities: 10 channels/);
});
