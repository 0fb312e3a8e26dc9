import assert from 'node:assert/strict';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import type { Affine } from '../../src/volume/types.js';
import { writeNifti } from '../../src/volume/write-nifti.js';
import { finalizeScores } from '../../strategies/finalize-scores.js';
import { getStrategy } from '../../strategies/registry.js';

const affine: Affine = [
  [1, 0, 0, 0],
  [0, 1, 0, 0],
  [0, 0, 1, 0],
  [0, 0, 0, 1],
];
const dims = [10, 10, 4];

async function labelMap(path: string, fill: (i: number, j: number, k: number) => number) {
  const data = new Uint8Array(400);
  for (let k = 0; k < 4; k++)
    for (let j = 0; j < 10; j++)
      for (let i = 0; i < 10; i++) data[i + 10 * j + 100 * k] = fill(i, j, k);
  await writeNifti(path, {
    dims,
    datatype: 'uint8',
    data,
    spacing: [1, 1, 1],
    affine,
    sclSlope: 1,
    sclInter: 0,
  });
  return path;
}

test('oracle: the true Dice per organ, and the case ranking it implies', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'oracle-'));
  // Truth: liver = columns 0..4, spleen = columns 6..9. Pseudo labels shift the liver.
  const truth = await labelMap(join(dir, 'truth.nii.gz'), (i) => (i < 5 ? 1 : i > 5 ? 2 : 0));
  const exact = await labelMap(join(dir, 'exact.nii.gz'), (i) => (i < 5 ? 1 : i > 5 ? 2 : 0));
  const shifted = await labelMap(join(dir, 'shifted.nii.gz'), (i) =>
    i >= 1 && i < 6 ? 1 : i > 5 ? 2 : 0,
  );
  const noSpleen = await labelMap(join(dir, 'nospleen.nii.gz'), (i) => (i < 5 ? 1 : 0));
  const cases = [
    { id: 'shifted', image: '', mask: shifted, truth },
    { id: 'exact', image: '', mask: exact, truth },
    { id: 'nospleen', image: '', mask: noSpleen, truth },
  ];
  const raw = await getStrategy('oracle').score(cases, {
    classes: { '1': 'liver', '2': 'spleen', '3': 'stomach' },
    seed: 0,
    options: {},
    warn: () => {},
  });
  const scores = finalizeScores(raw);
  const organ = (id: string, name: string) =>
    scores.find((s) => s.caseId === id)?.organs.find((o) => o.organ === name)?.score;
  assert.equal(organ('exact', 'liver'), 1);
  assert.equal(organ('shifted', 'liver'), 0.8); // 2 * 4 columns / (5 + 5)
  assert.equal(organ('nospleen', 'spleen'), 0);
  assert.equal(organ('exact', 'stomach'), null, 'absent from both: no score');
  const order = [...scores]
    .sort((a, b) => (b.caseScore ?? 0) - (a.caseScore ?? 0))
    .map((s) => s.caseId);
  assert.deepEqual(order, ['exact', 'shifted', 'nospleen']);
});
