import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { runSentinel } from '../run-cli.js';
import { writeTotalSegmentatorCase } from './score-fixtures.js';

// `sentinel score` mistakes a user can make: each exits 2 with a message saying what is wrong
// (and no stack trace), before anything is scored.

let dir: string;
let data: string;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'score-errors-'));
  data = join(dir, 'data');
  await writeTotalSegmentatorCase({ dir: data, id: 'case_a', index: 0 });
});

after(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

async function expectUserError(args: string[], message: RegExp): Promise<void> {
  const run = await runSentinel(['score', ...args], { cwd: dir });
  assert.equal(run.exitCode, 2, `${args.join(' ')}\n${run.stderr}`);
  assert.match(run.stderr, /^error: /);
  assert.match(run.stderr, message);
  assert.doesNotMatch(run.stderr, /internal error|\n\s+at /);
}

test('no inputs', async () => {
  await expectUserError([], /error: nothing to score\nhint: sentinel score DATASET_DIR/);
});

test('--labels without --classes', async () => {
  const ct = join(data, 'case_a', 'ct.nii.gz');
  const labels = join(data, 'case_a', 'segmentations', 'liver.nii.gz');
  await expectUserError(
    ['--image', ct, '--labels', labels],
    /the label map .*liver\.nii\.gz needs its class map\nhint: pass --classes FILE/,
  );
});

test('a missing file', async () => {
  const missing = join(dir, 'missing.nii.gz');
  await expectUserError(
    ['--image', missing, '--segmentations', join(data, 'case_a', 'segmentations')],
    /the --image file .*missing\.nii\.gz does not exist/,
  );
  await expectUserError(
    [join(dir, 'no-such-folder')],
    /the dataset folder .*no-such-folder does not exist/,
  );
});

test('a dataset folder with no cases', async () => {
  const empty = join(dir, 'empty');
  await mkdir(join(empty, 'not-a-case'), { recursive: true });
  await expectUserError([empty], /empty holds no cases\nhint: expected DIR\/<case>\/ct\.nii\.gz/);
});

test('a --model folder that is not a QS bundle', async () => {
  const notBundle = join(dir, 'not-a-bundle');
  await mkdir(notBundle, { recursive: true });
  await expectUserError(
    [data, '--model', notBundle],
    /QS bundle: cannot read .*not-a-bundle\/manifest\.json\nhint: A QS bundle is a folder with model\.onnx and manifest\.json/,
  );
});

test('a label map with a folder as --truth', async () => {
  const ct = join(data, 'case_a', 'ct.nii.gz');
  const labels = join(data, 'case_a', 'segmentations', 'liver.nii.gz');
  const classes = join(dir, 'classes.json');
  await writeFile(classes, '{"1": "liver"}');
  await expectUserError(
    [
      '--image',
      ct,
      '--labels',
      labels,
      '--classes',
      classes,
      '--truth',
      join(data, 'case_a', 'segmentations'),
    ],
    /--truth .*segmentations is a folder, but --labels is a label map/,
  );
});
