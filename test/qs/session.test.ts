import assert from 'node:assert/strict';
import path from 'node:path';
import { before, test } from 'node:test';
import { packageRoot } from '../../src/package-root.js';
import { type QsBundle, loadBundle } from '../../src/qs/bundle.js';
import { openQsSession } from '../../src/qs/session.js';

// The QS session on the shipped model: outputs per slice whatever the batch and thread count.
// (Outputs against torch: parity.test.ts; a model ONNX Runtime cannot load: qs-scorer.test.ts.)

const shipped = path.join(packageRoot, 'models/qs-phantom');
let bundle: QsBundle;

before(async () => {
  bundle = await loadBundle(shipped);
});

// count random slices (values of a normalised input, -2..2) and one-hot embeddings.
function randomBatch(count: number, seed: number) {
  const size = bundle.manifest.inputSize;
  const e = bundle.manifest.embeddingSize;
  let state = seed;
  const next = () => {
    state = (state * 1103515245 + 12345) >>> 0;
    return state / 2 ** 32;
  };
  const images = Float32Array.from({ length: count * 2 * size * size }, () => next() * 4 - 2);
  const embeddings = new Float32Array(count * e);
  for (let i = 0; i < count; i++) embeddings[i * e + (i % 9)] = 1;
  return { images, embeddings };
}

test('a slice gets the same output alone, in a batch, with one thread or the default', async () => {
  const one = await openQsSession(bundle, { threads: 1 });
  const all = await openQsSession(bundle);
  try {
    const { images, embeddings } = randomBatch(32, 7);
    const batch = await all.run(images, embeddings, 32);
    assert.ok(
      batch.some((v) => v !== batch[0]),
      'outputs differ between slices',
    );
    const single = await one.run(images, embeddings, 32);
    const slice = 2 * bundle.manifest.inputSize ** 2;
    const e = bundle.manifest.embeddingSize;
    const alone = await one.run(images.subarray(5 * slice), embeddings.subarray(5 * e), 1);
    for (let i = 0; i < 32; i++)
      assert.ok(Math.abs((single[i] as number) - (batch[i] as number)) < 1e-6, `slice ${i}`);
    assert.ok(Math.abs((alone[0] as number) - (batch[5] as number)) < 1e-6);
  } finally {
    await one.dispose();
    await all.dispose();
  }
});
