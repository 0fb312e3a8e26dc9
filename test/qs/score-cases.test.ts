import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { type QsBundle, loadBundle } from '../../src/qs/bundle.js';
import { type QsCaseScore, scoreAllCases, scoreCases } from '../../src/qs/score-cases.js';
import type { QsSession } from '../../src/qs/session.js';
import type { QsCaseSource } from '../../src/qs/slice-batches.js';
import type { Volume } from '../../src/volume/types.js';

// A small deterministic network standing in for ONNX: per slice, the mean of the mask
// channel plus the first embedding value. Batching must not change any score.
function meanMaskSession(bundle: QsBundle, batchesSeen: number[]): QsSession {
  const size = bundle.manifest.inputSize;
  const e = bundle.manifest.embeddingSize;
  return {
    inputSize: size,
    embeddingSize: e,
    async run(images, embeddings, count) {
      batchesSeen.push(count);
      const out = new Float32Array(count);
      for (let i = 0; i < count; i++) {
        let sum = 0;
        const base = (i * 2 + 1) * size * size;
        for (let p = 0; p < size * size; p++) sum += images[base + p] as number;
        out[i] = sum / (size * size) + (embeddings[i * e] as number);
      }
      return out;
    },
    async dispose() {},
  };
}

let dir: string;
let bundle: QsBundle;

before(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'qs-score-'));
  await writeFile(path.join(dir, 'model.onnx'), 'unused by these tests');
  const manifest = {
    format: 'sentinel-qs-bundle/1',
    name: 'tiny',
    backbone: 'none',
    modelFile: 'model.onnx',
    inputSize: 8,
    embeddingSize: 2,
    huWindow: [-200, 200],
    normalisation: { ct: { mean: 0.5, std: 0.25 }, mask: { mean: 0.5, std: 0.5 } },
    cropMargin: 2,
    slicesPerOrgan: 3,
    resize: 'pillow-bilinear',
    classes: [
      { label: 1, name: 'liver', key: 'liver', embedding: [10, 0] },
      { label: 2, name: 'spleen', key: 'spleen', embedding: [20, 0] },
    ],
    aliases: {},
    provenance: { source: 'test' },
  };
  await writeFile(path.join(dir, 'manifest.json'), JSON.stringify(manifest));
  bundle = await loadBundle(dir);
});

after(async () => {
  await rm(dir, { recursive: true, force: true });
});

const dims = [12, 10, 6];

function volume(data: Int16Array | Uint8Array): Volume {
  return {
    dims,
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

// A label map with liver (1) on slices 0..4 (growing) and spleen (2) on slice 3 only.
function makeCase(caseId: string, grow: number): QsCaseSource {
  const [nx, ny, nz] = dims as [number, number, number];
  const labels = new Uint8Array(nx * ny * nz);
  for (let k = 0; k < 5; k++) {
    for (let r = 2; r < 4 + k + grow; r++)
      for (let c = 3; c < 6 + k; c++) labels[k * nx * ny + r * nx + c] = 1;
  }
  labels[3 * nx * ny + 8 * nx + 10] = 2;
  const ct = Int16Array.from({ length: nx * ny * nz }, (_, i) => ((i * 37) % 500) - 250);
  return {
    caseId,
    image: volume(ct),
    organs: [
      { name: 'liver', mask: { data: labels, label: 1 } },
      { name: 'Spleen', mask: async () => ({ data: labels.map((v) => (v === 2 ? 1 : 0)) }) },
      { name: 'kidney_left', mask: { data: labels, label: 3 } },
      { name: 'liver', mask: { data: labels, label: 4 } },
    ],
  };
}

async function* casesOf(n: number): AsyncGenerator<QsCaseSource> {
  for (let i = 0; i < n; i++) yield makeCase(`case${i}`, i);
}

test('scores are the mean of slice outputs and do not depend on the batch size', async () => {
  const results: QsCaseScore[][] = [];
  for (const batchSize of [1, 2, 5, 32]) {
    const seen: number[] = [];
    results.push(
      await scoreAllCases(bundle, meanMaskSession(bundle, seen), casesOf(3), { batchSize }),
    );
    assert.ok(seen.every((n) => n <= batchSize));
    // 3 slices of liver + 1 of spleen per case.
    assert.equal(
      seen.reduce((a, b) => a + b, 0),
      12,
    );
  }
  for (const other of results.slice(1)) assert.deepEqual(other, results[0]);
  const [first] = results[0] ?? [];
  assert.ok(first);
  const liver = first.organs[0];
  assert.equal(liver?.slices, 3);
  assert.equal(liver?.label, 1);
  assert.ok(liver?.score !== null && liver !== undefined && liver.score > 9 && liver.score < 10);
  assert.equal(first.organs[1]?.slices, 1);
  assert.equal(first.organs[1]?.label, 2);
});

test('organs without a class or without voxels get a null score and a warning; the case mean skips them', async () => {
  const [result] = await scoreAllCases(bundle, meanMaskSession(bundle, []), casesOf(1));
  assert.ok(result);
  const [liver, spleen, kidney, emptyLiver] = result.organs;
  assert.equal(kidney?.score, null);
  assert.equal(kidney?.label, null);
  assert.match(kidney?.warning ?? '', /no embedding for organ "kidney_left"/);
  assert.equal(kidney?.reason, 'no-class');
  assert.equal(emptyLiver?.score, null);
  assert.equal(emptyLiver?.slices, 0);
  assert.match(emptyLiver?.warning ?? '', /no mask voxels/);
  assert.equal(emptyLiver?.reason, 'empty-mask');
  assert.equal(liver?.reason, undefined);
  assert.equal(result.caseScore, ((liver?.score as number) + (spleen?.score as number)) / 2);
});

test('cases come back in input order, each as soon as its slices have run', async () => {
  const order: string[] = [];
  const seen: number[] = [];
  for await (const result of scoreCases(bundle, meanMaskSession(bundle, seen), casesOf(4), {
    batchSize: 3,
  })) {
    order.push(result.caseId);
    // At most one batch past the case's own slices has run.
    const slicesRun = seen.reduce((a, b) => a + b, 0);
    assert.ok(
      slicesRun <= order.length * 4 + 3,
      `${slicesRun} slices run after ${order.length} cases`,
    );
  }
  assert.deepEqual(order, ['case0', 'case1', 'case2', 'case3']);
});

test('each scored organ names the slice with its lowest output (for worklist thumbnails)', async () => {
  const outputs: number[] = [];
  const base = meanMaskSession(bundle, []);
  const recording: QsSession = {
    ...base,
    async run(images, embeddings, count) {
      const out = await base.run(images, embeddings, count);
      outputs.push(...out);
      return out;
    },
  };
  const [result] = await scoreAllCases(bundle, recording, casesOf(1), { batchSize: 2 });
  const [liver, spleen, kidney] = result?.organs ?? [];
  // Liver is scored on slices valid[floor(5/3 * i)] = 0, 1, 3, in that order; spleen on 3.
  const liverOutputs = outputs.slice(0, 3);
  const lowest = liverOutputs.indexOf(Math.min(...liverOutputs));
  assert.equal(liver?.worstSlice, [0, 1, 3][lowest]);
  assert.equal(spleen?.worstSlice, 3);
  assert.equal(kidney?.worstSlice, null);
});

test('the next batch is built while one runs, with the batch before finished first', async () => {
  // A session whose runs finish only when released: scoring must go on reading and
  // preprocessing meanwhile, and never hand over a batch while an earlier one is unfinished.
  const base = meanMaskSession(bundle, []);
  let running = 0;
  let most = 0;
  const release: (() => void)[] = [];
  const gated: QsSession = {
    ...base,
    async run(images, embeddings, count) {
      running++;
      most = Math.max(most, running);
      const copy = images.slice();
      await new Promise<void>((resolve) => release.push(resolve));
      // The batch's buffer is not rewritten while it runs.
      assert.deepEqual(images.subarray(0, copy.length), copy);
      running--;
      return base.run(images, embeddings, count);
    },
  };
  const requested: string[] = [];
  async function* recorded(): AsyncGenerator<QsCaseSource> {
    for (let i = 0; i < 3; i++) {
      requested.push(`case${i}`);
      yield makeCase(`case${i}`, i);
    }
  }
  // 4 slices a case, batches of 2: case1 is read while the second batch (case0's last two
  // slices) runs.
  const pending = scoreAllCases(bundle, gated, recorded(), { batchSize: 2 });
  const expected = await scoreAllCases(bundle, meanMaskSession(bundle, []), casesOf(3), {
    batchSize: 2,
  });
  let released = 0;
  while (released < 6) {
    await new Promise((resolve) => setTimeout(resolve, 2));
    const next = release.shift();
    if (next === undefined) continue;
    if (released === 1) assert.ok(requested.includes('case1'), 'case1 read while batch 2 runs');
    next();
    released++;
  }
  assert.deepEqual(await pending, expected);
  assert.equal(most, 1);
});

test('a failing run rejects the scoring with its error', async () => {
  const failing: QsSession = {
    ...meanMaskSession(bundle, []),
    async run() {
      throw new Error('model failed');
    },
  };
  await assert.rejects(
    scoreAllCases(bundle, failing, casesOf(2), { batchSize: 2 }),
    /model failed/,
  );
});

test('a case that cannot be read while a batch runs rejects with the read error', async () => {
  async function* badSecond(): AsyncGenerator<QsCaseSource> {
    yield makeCase('case0', 0);
    throw new Error('cannot read case1');
  }
  const slow: QsSession = {
    ...meanMaskSession(bundle, []),
    async run() {
      await new Promise((resolve) => setTimeout(resolve, 5));
      throw new Error('model failed later');
    },
  };
  await assert.rejects(
    scoreAllCases(bundle, slow, badSecond(), { batchSize: 3 }),
    /cannot read case1/,
  );
});
