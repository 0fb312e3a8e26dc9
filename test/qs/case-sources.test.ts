import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { isUserError } from '../../src/errors.js';
import {
  caseFromLabelMap,
  caseFromSegmentations,
  organNameOfFile,
} from '../../src/qs/case-sources.js';
import type { OrganMask } from '../../src/qs/preprocess.js';
import { findSliceBoxes } from '../../src/qs/slice-boxes.js';
import { writeNifti } from '../../src/volume/index.js';
import type { Volume } from '../../src/volume/types.js';

// A 16^3 CT, a label map (1 = liver, 2 = spleen) and the same as per-organ mask files.
let dir: string;
const dims = [16, 16, 16];

function volume(data: Int16Array | Uint8Array, shape = dims): Volume {
  return {
    dims: shape,
    datatype: data instanceof Int16Array ? 'int16' : 'uint8',
    data,
    spacing: [1, 1, 1],
    affine: [
      [1, 0, 0, 0],
      [0, 1, 0, 0],
      [0, 0, 1, 0],
      [0, 0, 0, 1],
    ],
    sclSlope: 1,
    sclInter: 0,
  };
}

before(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'qs-sources-'));
  const n = 16 ** 3;
  const labels = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const [x, y, z] = [i % 16, Math.floor(i / 16) % 16, Math.floor(i / 256)];
    if (x > 3 && x < 9 && y > 2 && y < 12 && z > 4 && z < 14) labels[i] = 1;
    if (x > 10 && y > 10 && z === 7) labels[i] = 2;
  }
  await writeNifti(
    path.join(dir, 'ct.nii.gz'),
    volume(Int16Array.from({ length: n }, (_, i) => (i % 700) - 350)),
  );
  await writeNifti(path.join(dir, 'labels.nii.gz'), volume(labels));
  await mkdir(path.join(dir, 'segmentations'));
  await writeNifti(
    path.join(dir, 'segmentations/spleen.nii.gz'),
    volume(labels.map((v) => (v === 2 ? 1 : 0))),
  );
  await writeNifti(
    path.join(dir, 'segmentations/liver.nii'),
    volume(labels.map((v) => (v === 1 ? 1 : 0))),
  );
  await writeNifti(path.join(dir, 'segmentations/stomach.nii.gz'), volume(new Uint8Array(n)));
  await writeFile(path.join(dir, 'segmentations/README.txt'), 'not a mask');
  await writeNifti(
    path.join(dir, 'small.nii.gz'),
    volume(new Uint8Array(8 * 16 * 16), [8, 16, 16]),
  );
});

after(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function load(mask: OrganMask | (() => Promise<OrganMask>)): Promise<OrganMask> {
  return typeof mask === 'function' ? mask() : mask;
}

test('organ names come from .nii.gz and .nii file names', () => {
  assert.equal(organNameOfFile('liver.nii.gz'), 'liver');
  assert.equal(organNameOfFile('vertebrae_L1.nii'), 'vertebrae_L1');
  assert.equal(organNameOfFile('notes.txt'), undefined);
  assert.equal(organNameOfFile('.nii.gz'), undefined);
});

test('a segmentations folder gives one lazily read organ per mask file, sorted by name', async () => {
  const source = await caseFromSegmentations(
    'c1',
    path.join(dir, 'ct.nii.gz'),
    path.join(dir, 'segmentations'),
  );
  assert.deepEqual(
    source.organs.map((o) => o.name),
    ['liver', 'spleen', 'stomach'],
  );
  assert.equal(typeof source.organs[0]?.mask, 'function');
  const liver = await load(source.organs[0]?.mask ?? { data: new Uint8Array() });
  assert.equal(findSliceBoxes(liver.data, dims, liver.label).length, 9);
  const only = await caseFromSegmentations(
    'c1',
    path.join(dir, 'ct.nii.gz'),
    path.join(dir, 'segmentations'),
    {
      organs: new Set(['spleen']),
    },
  );
  assert.deepEqual(
    only.organs.map((o) => o.name),
    ['spleen'],
  );
});

test('a label map gives organs in label order with their slice boxes found in one pass', async () => {
  const classes = { '2': 'spleen', '1': 'liver', '5': 'pancreas' };
  const source = await caseFromLabelMap(
    'c1',
    path.join(dir, 'ct.nii.gz'),
    path.join(dir, 'labels.nii.gz'),
    classes,
  );
  assert.deepEqual(
    source.organs.map((o) => o.name),
    ['liver', 'spleen', 'pancreas'],
  );
  const [liver, spleen, pancreas] = source.organs;
  const liverMask = await load(liver?.mask ?? { data: new Uint8Array() });
  assert.deepEqual(liver?.boxes, findSliceBoxes(liverMask.data, dims, 1));
  assert.deepEqual(
    spleen?.boxes?.map((b) => b.k),
    [7],
  );
  assert.deepEqual(pancreas?.boxes, []);
});

test('a mask on another grid, or a missing folder, is a user error naming the file', async () => {
  await mkdir(path.join(dir, 'bad'));
  await writeNifti(
    path.join(dir, 'bad/liver.nii.gz'),
    volume(new Uint8Array(8 * 16 * 16), [8, 16, 16]),
  );
  const source = await caseFromSegmentations(
    'c1',
    path.join(dir, 'ct.nii.gz'),
    path.join(dir, 'bad'),
  );
  await assert.rejects(
    load(source.organs[0]?.mask ?? { data: new Uint8Array() }),
    (error: Error) => {
      assert.ok(isUserError(error));
      assert.match(error.message, /bad\/liver\.nii\.gz \(8 x 16 x 16\) is not on the grid/);
      return true;
    },
  );
  await assert.rejects(
    caseFromLabelMap('c1', path.join(dir, 'ct.nii.gz'), path.join(dir, 'small.nii.gz'), {
      '1': 'liver',
    }),
    /small\.nii\.gz/,
  );
  await assert.rejects(
    caseFromSegmentations('c1', path.join(dir, 'ct.nii.gz'), path.join(dir, 'nope')),
    (error: Error) => {
      assert.ok(isUserError(error));
      assert.match(error.message, /segmentations folder .*nope/);
      return true;
    },
  );
});
