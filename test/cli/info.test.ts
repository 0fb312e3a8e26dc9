import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import type { Affine } from '../../src/volume/types.js';
import type { VolumeSummary } from '../../src/volume/volume-summary.js';
import { writeNifti } from '../../src/volume/write-nifti.js';
import { testDataFile, testDataSkip } from '../requirements/test-data.js';
import { runSentinel } from '../run-cli.js';
import { nibabelMissing, runPython } from '../volume/nibabel-bridge.js';

const CT = testDataFile('totalsegmentator-example/ct.nii.gz');
const SEG = testDataFile('totalsegmentator-example/seg_multilabel.nii.gz');
// The CT and label map are TotalSegmentator's (test data); the other tests make their files.
const dataMissing = testDataSkip(
  'totalsegmentator-example/ct.nii.gz',
  'totalsegmentator-example/seg_multilabel.nii.gz',
);

const NIBABEL_SUMMARY = `
import sys, json, numpy as np, nibabel as nb
out = []
for f in sys.argv[1:]:
    img = nb.load(f); d = np.asanyarray(img.dataobj)
    out.append({'shape': list(d.shape), 'dtype': str(d.dtype), 'affine': img.affine.tolist(),
                'zooms': [float(z) for z in img.header.get_zooms()], 'min': float(d.min()), 'max': float(d.max()),
                'labels': int(np.count_nonzero(np.unique(d))), 'axcodes': ''.join(nb.aff2axcodes(img.affine))})
print(json.dumps(out))
`;

test(
  'info --json on the shared CT and label map reports what nibabel reports',
  { skip: nibabelMissing ?? dataMissing },
  async () => {
    const result = await runSentinel(['info', CT, SEG, '--json']);
    assert.equal(result.exitCode, 0, result.stderr);
    const [ct, seg] = JSON.parse(result.stdout) as VolumeSummary[];
    assert.ok(ct && seg);
    assert.deepEqual(ct.dims, [122, 101, 30]);
    assert.equal(ct.datatype, 'int16');
    assert.deepEqual(ct.spacing, [3, 3, 3]);
    const nib = await runPython<
      {
        shape: number[];
        dtype: string;
        affine: number[][];
        zooms: number[];
        min: number;
        max: number;
        labels: number;
        axcodes: string;
      }[]
    >(NIBABEL_SUMMARY, [CT, SEG]);
    for (const [ours, theirs] of [
      [ct, nib[0]!],
      [seg, nib[1]!],
    ] as const) {
      assert.deepEqual(ours.dims, theirs.shape);
      assert.equal(ours.datatype, theirs.dtype);
      assert.deepEqual(ours.affine, theirs.affine);
      assert.deepEqual(ours.spacing, theirs.zooms);
      assert.equal(ours.orientation, theirs.axcodes);
      assert.equal(ours.min, theirs.min);
      assert.equal(ours.max, theirs.max);
    }
    assert.equal(seg.labels, nib[1]!.labels);
    assert.equal(seg.labels, 41);
  },
);

// A 20 x 16 x 12 int16 CT of 3 mm voxels (RAS), values -1100..1207, made by the test.
async function writeSmallCt(dir: string): Promise<string> {
  const file = join(dir, 'small-ct.nii.gz');
  const data = Int16Array.from({ length: 20 * 16 * 12 }, (_, i) => -1100 + (i % 2308));
  const affine: Affine = [
    [3, 0, 0, -30],
    [0, 3, 0, -24],
    [0, 0, 3, -18],
    [0, 0, 0, 1],
  ];
  await writeNifti(file, {
    dims: [20, 16, 12],
    datatype: 'int16',
    data,
    spacing: [3, 3, 3],
    affine,
    sclSlope: 1,
    sclInter: 0,
  });
  return file;
}

test('info prints a readable table by default', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'info-table-'));
  try {
    const result = await runSentinel(['info', await writeSmallCt(dir)]);
    assert.equal(result.exitCode, 0, result.stderr);
    assert.match(result.stdout, /dims +20 x 16 x 12\n/);
    assert.match(result.stdout, /datatype +int16\n/);
    assert.match(result.stdout, /spacing +3 x 3 x 3 mm\n/);
    assert.match(result.stdout, /orientation +RAS\n/);
    assert.match(result.stdout, /range +-1100 \.\. 1207$/m);
    assert.doesNotMatch(result.stdout, /labels/, 'an int16 CT is not a label map');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('info on a bad file is a user error naming it, without a stack trace', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'info-bad-'));
  try {
    const bad = join(dir, 'broken.nii.gz');
    await writeFile(bad, Buffer.from([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3, 1, 2, 3]));
    const result = await runSentinel(['info', bad]);
    assert.equal(result.exitCode, 2);
    assert.match(result.stderr, /error: .*broken\.nii\.gz: the gzip/);
    assert.match(result.stderr, /hint: /);
    assert.doesNotMatch(result.stderr, /at .*\.js:\d+/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('info on good and bad files describes the good ones, then names each bad one (exit 2)', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'info-mixed-'));
  try {
    const good = await writeSmallCt(dir);
    const empty = join(dir, 'empty.nii.gz');
    await writeFile(empty, '');
    const result = await runSentinel(['info', good, empty, good]);
    assert.equal(result.exitCode, 2, result.stderr);
    assert.equal(result.stdout.match(/dims +20 x 16 x 12\n/g)?.length, 2, result.stdout);
    assert.match(
      result.stderr,
      /error: 1 of 3 file\(s\) could not be read:\n {2}.*empty\.nii\.gz: /,
    );
    assert.doesNotMatch(result.stderr, /at .*\.js:\d+/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('info without a file, or over SENTINEL_MAX_VOXEL_BYTES, says so', async () => {
  const none = await runSentinel(['info']);
  assert.equal(none.exitCode, 2);
  assert.match(none.stderr, /no file given/);
  const dir = await mkdtemp(join(tmpdir(), 'info-limit-'));
  try {
    const limited = await runSentinel(['info', await writeSmallCt(dir)], {
      env: { SENTINEL_MAX_VOXEL_BYTES: '1000' },
    });
    assert.equal(limited.exitCode, 2);
    assert.match(limited.stderr, /more than the limit of 1000 B/);
    assert.match(limited.stderr, /hint: .*SENTINEL_MAX_VOXEL_BYTES/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
