import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { loadDemoDataset } from '../../src/phantom/load-demo-dataset.js';
import { runSentinel } from '../run-cli.js';

let root: string;
before(async () => {
  root = await mkdtemp(join(tmpdir(), 'sentinel-demo-data-'));
});
after(async () => {
  await rm(root, { recursive: true, force: true });
});

test('sentinel demo-data writes the dataset and prints a one-line summary', async () => {
  const out = join(root, 'demo');
  const args = [
    'demo-data',
    '--out',
    out,
    '--labeled',
    '2',
    '--pool',
    '1',
    '--test',
    '1',
    '--seed',
    '3',
    '--size',
    '40x40x32',
  ];
  const result = await runSentinel(args);
  assert.equal(result.exitCode, 0, result.stderr);
  assert.equal(result.stdout.trim().split('\n').length, 1);
  assert.match(
    result.stdout,
    /^demo-data: 4 phantoms \(2 labeled, 1 pool, 1 test\), 40x40x32 voxels of 9x9x6\.25 mm, seed 3, in .*demo \(made in [\d.]+ s\)$/,
  );
  const dataset = await loadDemoDataset(out);
  assert.deepEqual(
    dataset.test.map((c) => c.id),
    ['phantom_0003'],
  );
  const again = await runSentinel(args);
  assert.equal(again.exitCode, 0, again.stderr);
  assert.match(again.stdout, /\(already there\)/);
});

test('bad flags are user errors with a hint and no stack trace', async () => {
  const out = join(root, 'bad');
  const cases: [string[], RegExp][] = [
    [['--size', '64x64'], /--size "64x64" is not a grid size/],
    [['--size', '16x16x16'], /outside 32\.\.512/],
    [['--labeled=-1'], /--labeled "-1" is not a whole number/],
    [['--pool', 'many'], /--pool "many" is not a whole number/],
    [['--test', '0'], /--test 0 is not a valid number of cases/],
    [['--colour', 'red'], /Unknown option '--colour'/],
  ];
  for (const [flags, message] of cases) {
    const result = await runSentinel(['demo-data', '--out', out, ...flags]);
    assert.equal(result.exitCode, 2, `${flags.join(' ')}: ${result.stderr}`);
    assert.match(result.stderr, message);
    assert.match(result.stderr, /hint: /);
    assert.doesNotMatch(result.stderr, /at .*\.js:\d+/);
  }
  const missing = await runSentinel(['demo-data']);
  assert.equal(missing.exitCode, 2);
  assert.match(missing.stderr, /--out DIR is required/);
});
