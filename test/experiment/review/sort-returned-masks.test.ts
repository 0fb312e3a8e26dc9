// Every way a returned mask is refused, skipped or accepted, on 8^3 volumes the test writes.
import assert from 'node:assert/strict';
import { copyFile, mkdir, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import type { ReviewRequest, Revision } from '../../../src/db/revisions.js';
import { sha256Of } from '../../../src/experiment/review/check-returned-mask.js';
import { findReturnedMasks } from '../../../src/experiment/review/find-returned-masks.js';
import {
  type RoundState,
  sortReturnedMasks,
} from '../../../src/experiment/review/sort-returned-masks.js';
import type { Affine, Volume } from '../../../src/volume/types.js';
import { writeNifti } from '../../../src/volume/write-nifti.js';
import { OBLIQUE } from '../../volume/make-volume.js';

const N = 8;
const label = (fill: (i: number) => number, affine: Affine = OBLIQUE, n = N): Volume => ({
  dims: [n, n, n],
  datatype: 'uint8',
  data: Uint8Array.from({ length: n ** 3 }, (_, i) => fill(i)),
  spacing: [1, 1, 1],
  affine,
  sclSlope: 1,
  sclInter: 0,
});
const pseudoFill = (i: number) => (i < 100 ? 1 : i < 200 ? 2 : 0);
const request = (caseId: string, rank: number): ReviewRequest => ({
  experimentId: 1,
  round: 2,
  caseId,
  rank,
  method: 'qs',
  score: 0.1,
  worstOrgan: null,
  worstSlice: null,
  pseudoLabelPath: `pseudo/${caseId}.nii.gz`,
  writtenAt: '2026-01-01T00:00:00Z',
});

async function setUp() {
  const dir = await mkdtemp(join(tmpdir(), 'sort-masks-'));
  await mkdir(join(dir, 'pseudo'));
  await mkdir(join(dir, 'back', 'nested'), { recursive: true });
  const images = new Map<string, string>();
  for (const c of ['a', 'b', 'c', 'd', 'e', 'old']) {
    const image = join(dir, `${c}-ct.nii.gz`);
    await writeNifti(image, {
      ...label(() => 0),
      datatype: 'float32',
      data: new Float32Array(N ** 3),
    });
    images.set(c, image);
    await writeNifti(join(dir, 'pseudo', `${c}.nii.gz`), label(pseudoFill));
  }
  return { dir, images };
}

test('returned masks: each bad one refused with its problem, the good ones accepted', async () => {
  const { dir, images } = await setUp();
  const back = join(dir, 'back');
  const write = (name: string, v: Volume) => writeNifti(join(back, name), v);
  await copyFile(join(dir, 'pseudo', 'a.nii.gz'), join(back, 'nested', 'a_seg.nii.gz'));
  await write(
    'b_seg.nii.gz',
    label((i) => (i < 130 ? 1 : pseudoFill(i))),
  );
  await write('c_seg.nii.gz', label(pseudoFill, OBLIQUE, 6));
  const shifted = OBLIQUE.map((row) => [...row]) as Affine;
  shifted[0][3] += 5;
  await write('d_seg.nii.gz', label(pseudoFill, shifted));
  await write(
    'e_seg.nii.gz',
    label((i) => (i < 3 ? 9 : pseudoFill(i))),
  );
  await write('f_seg.nii.gz', label(pseudoFill));
  await write('corrected.nii.gz', label(pseudoFill));
  await write('old_seg.nii.gz', label(pseudoFill));
  await write('nested/b_seg.nii', label(pseudoFill));
  await write('a_image.nii.gz', label(pseudoFill));
  const revisions: Revision[] = [
    {
      experimentId: 1,
      caseId: 'old',
      round: 1,
      maskPath: 'revisions/round-1/old_seg.nii.gz',
      sha256: 'f'.repeat(64),
      sourcePath: '/somewhere/old_seg.nii.gz',
      annotator: 'alice',
      changedVoxels: 3,
      importedAt: '2026-01-01T00:00:00Z',
    },
  ];
  const state: RoundState = {
    runDir: dir,
    round: 2,
    requests: ['a', 'b', 'c', 'd', 'e'].map((c, i) => request(c, i + 1)),
    revisions,
    images,
    classes: { '1': 'liver', '2': 'spleen' },
  };
  const files = await findReturnedMasks(back);
  assert.ok(!files.some((f) => f.path.endsWith('a_image.nii.gz')), 'images are skipped');
  const sorted = await sortReturnedMasks(files, state);
  const problem = (name: string) =>
    sorted.refused.find((r) => r.path.endsWith(`/${name}`))?.problem ?? '(not refused)';
  assert.deepEqual(
    sorted.accepted.map((m) => [m.caseId, m.changedVoxels]),
    [
      ['b', 30],
      ['a', 0],
    ],
  );
  assert.equal(sorted.accepted[1]?.sha256, await sha256Of(join(back, 'nested', 'a_seg.nii.gz')));
  assert.match(
    problem('c_seg.nii.gz'),
    /not on its image's voxel grid \(dims 6 x 6 x 6 vs 8 x 8 x 8\)/,
  );
  assert.match(
    problem('d_seg.nii.gz'),
    /not on its image's voxel grid \(affines differ by up to 5/,
  );
  assert.match(
    problem('e_seg.nii.gz'),
    /not in the class map: 9 \(3 voxels\); the labels are 0 background, 1 liver, 2 spleen/,
  );
  assert.match(
    problem('f_seg.nii.gz'),
    /case f was not asked for in round 2 \(asked: a, b, c, d, e\)/,
  );
  assert.match(problem('corrected.nii.gz'), /not named <case>_seg\.nii\.gz/);
  assert.match(problem('old_seg.nii.gz'), /already revised in round 1 .*by alice/);
  assert.match(problem('b_seg.nii'), /a second mask for case b/);
  assert.equal(sorted.refused.length, 7);

  // The same file as a recorded revision is skipped, not refused; once round 2 has an import
  // recorded, a mask for another of its cases waits for the round to finish.
  const closed = await sortReturnedMasks(
    files.filter((f) => /\/(nested\/a|b)_seg\.nii\.gz$/.test(f.path)),
    {
      ...state,
      revisions: [
        ...revisions,
        { ...revisions[0]!, caseId: 'a', round: 2, sha256: sorted.accepted[1]!.sha256 },
      ],
    },
  );
  assert.deepEqual(
    closed.alreadyImported.map((x) => x.caseId),
    ['a'],
  );
  assert.match(
    closed.refused[0]?.problem ?? '',
    /round 2's import is already recorded without case b/,
  );
});

test('a returned folder that is not there is a clear error', async () => {
  await assert.rejects(
    findReturnedMasks('/nonexistent/returned'),
    /--from \/nonexistent\/returned is not a folder/,
  );
});
