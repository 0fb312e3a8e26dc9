import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { execa } from 'execa';
import { isUserError } from '../../src/errors.js';
import { packageRoot } from '../../src/package-root.js';
import { type QsBundle, loadBundle } from '../../src/qs/bundle.js';
import { openQsSession } from '../../src/qs/session.js';

// The QS session on the calling thread (the default) and in a worker thread, on the shipped
// model: the same outputs, the same user errors, and an idle worker never holds the process.

const shipped = path.join(packageRoot, 'models/qs-phantom');
let bundle: QsBundle;
let dir: string;

before(async () => {
  bundle = await loadBundle(shipped);
  dir = await mkdtemp(path.join(os.tmpdir(), 'qs-session-'));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
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

test('a worker session returns what the in-process session returns, batch after batch', async () => {
  const worker = await openQsSession(bundle, { worker: true });
  const local = await openQsSession(bundle);
  try {
    for (const [count, seed] of [
      [5, 1],
      [32, 2],
      [1, 3],
    ] as const) {
      const { images, embeddings } = randomBatch(count, seed);
      const expected = await local.run(images, embeddings, count);
      const pending = worker.run(images, embeddings, count);
      // The worker has its own copy: the caller may refill its buffers at once.
      images.fill(0);
      const got = await pending;
      assert.equal(got.length, count);
      assert.deepEqual(got, expected);
      assert.ok(got.some((v) => v !== got[0]) || count === 1, 'outputs differ between slices');
    }
  } finally {
    await worker.dispose();
    await local.dispose();
  }
});

test('a model ONNX Runtime cannot load is the same user error with or without a worker', async () => {
  const broken = path.join(dir, 'broken');
  await mkdir(broken);
  await writeFile(path.join(broken, 'model.onnx'), 'not an ONNX file');
  const manifest = JSON.parse(await readFile(path.join(shipped, 'manifest.json'), 'utf8'));
  manifest.modelSha256 = undefined;
  await writeFile(path.join(broken, 'manifest.json'), JSON.stringify(manifest));
  const brokenBundle = await loadBundle(broken);
  for (const worker of [true, false]) {
    await assert.rejects(openQsSession(brokenBundle, { worker }), (error: Error) => {
      assert.ok(isUserError(error), `a UserError, got ${String(error)}`);
      assert.match(error.message, /ONNX Runtime cannot load .*broken\/model\.onnx/);
      return true;
    });
  }
});

test('a worker session left open does not keep the process alive', async () => {
  // A child that runs one batch and then neither disposes nor exits explicitly.
  const script = path.join(dir, 'left-open.mjs');
  const url = (p: string) => new URL(`file://${path.join(packageRoot, 'dist', p)}`).href;
  await writeFile(
    script,
    [
      `import { loadBundle } from '${url('src/qs/bundle.js')}';`,
      `import { openQsSession } from '${url('src/qs/session.js')}';`,
      `const bundle = await loadBundle(${JSON.stringify(shipped)});`,
      'const session = await openQsSession(bundle, { worker: true });',
      'const s = bundle.manifest.inputSize;',
      'const dice = await session.run(new Float32Array(2 * s * s), new Float32Array(bundle.manifest.embeddingSize), 1);',
      'console.log(dice.length);',
    ].join('\n'),
  );
  const child = await execa(process.execPath, [script], { timeout: 60_000, reject: false });
  assert.equal(child.timedOut, false, 'the child exited by itself');
  assert.equal(child.exitCode, 0, child.stderr);
  assert.equal(child.stdout.trim(), '1');
});
