import assert from 'node:assert/strict';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import type { Affine } from '../../src/volume/types.js';
import { writeNifti } from '../../src/volume/write-nifti.js';
import { getStrategy } from '../../strategies/registry.js';
import type { PoolCase } from '../../strategies/strategy.js';
import { TEST_PYTHON } from '../requirements/python-modules.js';
import { nibabelMissing } from '../volume/nibabel-bridge.js';

const reference = fileURLToPath(
  new URL('../../../tools/reference/uncertainty_reference.py', import.meta.url),
);
const classes = { '1': 'liver', '2': 'spleen', '3': 'kidney_left' };
const dims = [9, 7, 5];
const n = 9 * 7 * 5;
const C = 4;
const affine: Affine = [
  [2, 0, 0, 0],
  [0, 2, 0, 0],
  [0, 0, 3, 0],
  [0, 0, 0, 1],
];
const context = { classes, seed: 0, options: {}, warn: () => {} };

// A seeded generator for test inputs.
function lcg(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 4294967296;
  };
}

// A label map where labels 1..2 are present and label 3 is absent (n/a).
function makeMask(): Uint8Array {
  const mask = new Uint8Array(n);
  for (let v = 0; v < n; v++) mask[v] = v % 7 === 0 ? 1 : v % 5 === 0 ? 2 : 0;
  return mask;
}

// Probabilities that put `confidence` on the mask's label and spread the rest with noise.
function makeProbabilities(mask: Uint8Array, confidence: number, rand: () => number): Float32Array {
  const p = new Float32Array(n * C);
  for (let v = 0; v < n; v++) {
    const rest = (1 - confidence) / (C - 1);
    const raw = Array.from({ length: C }, (_, c) =>
      c === mask[v] ? confidence : rest * (0.8 + 0.4 * rand()),
    );
    const sum = raw.reduce((a, b) => a + b, 0);
    raw.forEach((x, c) => {
      p[c * n + v] = x / sum;
    });
  }
  return p;
}

async function writeCase(
  dir: string,
  id: string,
  mask: Uint8Array,
  maps: Float32Array[],
  datatype: 'float32' | 'uint8',
) {
  const maskPath = join(dir, `${id}_mask.nii.gz`);
  await writeNifti(maskPath, {
    dims,
    datatype: 'uint8',
    data: mask,
    spacing: [2, 2, 3],
    affine,
    sclSlope: 1,
    sclInter: 0,
  });
  const paths: string[] = [];
  for (const [i, data] of maps.entries()) {
    const path = join(dir, `${id}_p${i}.nii.gz`);
    const options = datatype === 'uint8' ? { datatype, sclSlope: 1 / 255 } : { datatype };
    await writeNifti(
      path,
      {
        dims: [...dims, C],
        datatype: 'float32',
        data,
        spacing: [2, 2, 3],
        affine,
        sclSlope: 1,
        sclInter: 0,
      },
      options,
    );
    paths.push(path);
  }
  return { maskPath, paths };
}

test('entropy ranks confident pseudo labels above uncertain ones; absent organs are n/a', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'entropy-rank-'));
  const mask = makeMask();
  const cases: PoolCase[] = [];
  for (const [id, confidence] of [
    ['mid', 0.6],
    ['sure', 0.97],
    ['unsure', 0.3],
  ] as const) {
    const { maskPath, paths } = await writeCase(
      dir,
      id,
      mask,
      [makeProbabilities(mask, confidence, lcg(1))],
      'float32',
    );
    cases.push({ id, image: '', mask: maskPath, probabilities: paths[0]! });
  }
  const scores = await getStrategy('entropy').score(cases, context);
  const order = [...scores]
    .sort((a, b) => (b.caseScore ?? 0) - (a.caseScore ?? 0))
    .map((s) => s.caseId);
  assert.deepEqual(order, ['sure', 'mid', 'unsure']);
  assert.equal(scores[0]?.organs.find((o) => o.organ === 'kidney_left')?.score, null);
});

test('mc-dropout ranks agreeing passes above disagreeing ones', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'mc-rank-'));
  const mask = makeMask();
  const cases: PoolCase[] = [];
  for (const [id, spread] of [
    ['wobbly', 0.5],
    ['steady', 0.0],
    ['shaky', 0.2],
  ] as const) {
    const rand = lcg(7);
    const maps = [0, 1, 2].map(() => makeProbabilities(mask, 0.8 - spread * rand(), lcg(3)));
    const { maskPath, paths } = await writeCase(dir, id, mask, maps, 'float32');
    cases.push({ id, image: '', mask: maskPath, mcSamples: paths });
  }
  const scores = await getStrategy('mc-dropout').score(cases, context);
  const order = [...scores]
    .sort((a, b) => (b.caseScore ?? 0) - (a.caseScore ?? 0))
    .map((s) => s.caseId);
  assert.deepEqual(order, ['steady', 'shaky', 'wobbly']);
  assert.equal(scores.find((s) => s.caseId === 'steady')?.caseScore, -0);
});

async function pythonScores(args: string[]) {
  const { stdout } = await execa(TEST_PYTHON, [reference, ...args]);
  return JSON.parse(stdout) as { case: number; organs: Record<string, number | null> };
}

function assertClose(
  ours: { caseScore?: number | null; organs: { organ: string; score: number | null }[] },
  theirs: { case: number; organs: Record<string, number | null> },
) {
  assert.ok(
    Math.abs((ours.caseScore ?? Number.NaN) - theirs.case) < 1e-5,
    `case ${ours.caseScore} vs ${theirs.case}`,
  );
  for (const o of ours.organs) {
    const t = theirs.organs[o.organ];
    if (t === null || t === undefined) assert.equal(o.score, null, o.organ);
    else assert.ok(Math.abs((o.score ?? Number.NaN) - t) < 1e-5, `${o.organ}: ${o.score} vs ${t}`);
  }
}

for (const datatype of ['float32', 'uint8'] as const) {
  test(
    `entropy and mc-dropout equal the numpy reference to 1e-5 (${datatype} NIfTI)`,
    { skip: nibabelMissing },
    async () => {
      const dir = await mkdtemp(join(tmpdir(), `uncertainty-ref-${datatype}-`));
      const mask = makeMask();
      const rand = lcg(11);
      const maps = [0.9, 0.7, 0.5].map((c) => makeProbabilities(mask, c, rand));
      const { maskPath, paths } = await writeCase(dir, 'case', mask, maps, datatype);
      const [entropyScore] = await getStrategy('entropy').score(
        [{ id: 'case', image: '', mask: maskPath, probabilities: paths[0]! }],
        context,
      );
      assertClose(
        entropyScore!,
        await pythonScores(['entropy', maskPath, paths[0]!, JSON.stringify(classes)]),
      );
      const [mcScore] = await getStrategy('mc-dropout').score(
        [{ id: 'case', image: '', mask: maskPath, mcSamples: paths }],
        context,
      );
      assertClose(
        mcScore!,
        await pythonScores(['mc-dropout', maskPath, JSON.stringify(classes), ...paths]),
      );
    },
  );
}

test(
  'nnU-Net .npz probabilities (C, z, y, x; float16 and float32) read like NIfTI',
  { skip: nibabelMissing },
  async () => {
    const dir = await mkdtemp(join(tmpdir(), 'uncertainty-npz-'));
    const mask = makeMask();
    const { maskPath, paths } = await writeCase(
      dir,
      'case',
      mask,
      [makeProbabilities(mask, 0.75, lcg(5))],
      'float32',
    );
    for (const [dtype, save] of [
      ['float32', 'savez_compressed'],
      ['float16', 'savez'],
    ] as const) {
      const npz = join(dir, `case_${dtype}.npz`);
      await execa(TEST_PYTHON, [
        '-c',
        `import sys, numpy as np, nibabel as nb
p = np.asanyarray(nb.load(sys.argv[1]).dataobj).astype(np.${dtype})
np.${save}(sys.argv[2], probabilities=np.ascontiguousarray(np.transpose(p, (3, 2, 1, 0))))`,
        paths[0]!,
        npz,
      ]);
      const [ours] = await getStrategy('entropy').score(
        [{ id: 'case', image: '', mask: maskPath, probabilities: npz }],
        context,
      );
      assertClose(ours!, await pythonScores(['entropy', maskPath, npz, JSON.stringify(classes)]));
    }
  },
);

test('a probability map on another grid is a clear user error', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'uncertainty-grid-'));
  const mask = makeMask();
  const { paths } = await writeCase(
    dir,
    'a',
    mask,
    [makeProbabilities(mask, 0.9, lcg(1))],
    'float32',
  );
  const small = join(dir, 'small_mask.nii.gz');
  await writeNifti(small, {
    dims: [3, 3, 3],
    datatype: 'uint8',
    data: new Uint8Array(27),
    spacing: [1, 1, 1],
    affine,
    sclSlope: 1,
    sclInter: 0,
  });
  await assert.rejects(
    getStrategy('entropy').score(
      [{ id: 'a', image: '', mask: small, probabilities: paths[0]! }],
      context,
    ),
    /probabilities on a 9 x 7 x 5 grid, but the pseudo label .* is 3 x 3 x 3/,
  );
});
