import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { isUserError } from '../../src/errors.js';
import { loadBundle, normaliseOrganName } from '../../src/qs/bundle.js';

const dirs: string[] = [];
after(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

function manifest(overrides: Record<string, unknown> = {}) {
  return {
    format: 'sentinel-qs-bundle/1',
    name: 'test-bundle',
    backbone: 'resnet18',
    modelFile: 'model.onnx',
    inputSize: 32,
    embeddingSize: 3,
    huWindow: [-200, 200],
    normalisation: { ct: { mean: 0.5, std: 0.25 }, mask: { mean: 0.5, std: 0.5 } },
    cropMargin: 20,
    slicesPerOrgan: 10,
    resize: 'pillow-bilinear',
    classes: [
      { label: 0, name: 'Background', key: 'background', embedding: [0, 0, 0] },
      { label: 15, name: 'kidney left ', key: 'kidney left', embedding: [0.5, 1, -2] },
      { label: 19, name: 'prostate', key: 'prostate', embedding: [1, 2, 3] },
    ],
    aliases: { urinary_bladder: 19 },
    provenance: { source: 'test' },
    ...overrides,
  };
}

async function writeBundle(
  content: unknown,
  model = Buffer.from('not really onnx'),
): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'qs-bundle-'));
  dirs.push(dir);
  await writeFile(path.join(dir, 'model.onnx'), model);
  await writeFile(
    path.join(dir, 'manifest.json'),
    typeof content === 'string' ? content : JSON.stringify(content),
  );
  return dir;
}

async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    assert.ok(isUserError(error), `a UserError, got ${String(error)}`);
    return error;
  }
  assert.fail('expected a rejection');
}

test('a valid bundle loads with its preprocessing parameters and float32 embeddings', async () => {
  const bundle = await loadBundle(await writeBundle(manifest()));
  assert.equal(bundle.params.inputSize, 32);
  assert.deepEqual(bundle.params.huWindow, [-200, 200]);
  assert.equal(bundle.params.maskStd, 0.5);
  assert.ok(bundle.classes.get(15)?.embedding instanceof Float32Array);
  assert.equal(path.basename(bundle.modelPath), 'model.onnx');
});

test('organ names resolve through aliases first, then normalised keys; unknown ones to undefined', async () => {
  const bundle = await loadBundle(await writeBundle(manifest()));
  assert.equal(bundle.resolveOrgan('urinary_bladder')?.label, 19);
  assert.equal(bundle.resolveOrgan('kidney_left')?.label, 15);
  assert.equal(bundle.resolveOrgan('  Kidney   Left ')?.label, 15);
  assert.equal(bundle.resolveOrgan('prostate')?.label, 19);
  assert.equal(bundle.resolveOrgan('spleen'), undefined);
  assert.equal(normaliseOrganName('heart   '), 'heart');
});

test('the model SHA-256 is checked when the manifest records it', async () => {
  const model = Buffer.from('model bytes');
  const good = createHash('sha256').update(model).digest('hex');
  await loadBundle(await writeBundle(manifest({ modelSha256: good }), model));
  const bad = '0'.repeat(64);
  const error = await rejection(
    loadBundle(await writeBundle(manifest({ modelSha256: bad }), model)),
  );
  assert.match(error.message, /modelSha256/);
});

test('a missing manifest or model is a user error naming the file', async () => {
  const empty = await mkdtemp(path.join(os.tmpdir(), 'qs-bundle-'));
  dirs.push(empty);
  assert.match((await rejection(loadBundle(empty))).message, /manifest\.json/);
  await writeFile(path.join(empty, 'manifest.json'), JSON.stringify(manifest()));
  assert.match((await rejection(loadBundle(empty))).message, /model\.onnx.*modelFile/);
});

test('malformed manifests are user errors naming the file and the field', async () => {
  const cases: [unknown, RegExp][] = [
    ['{ not json', /not valid JSON/],
    [manifest({ format: 'sentinel-qs-bundle/9' }), /format/],
    [manifest({ inputSize: -1 }), /inputSize/],
    [manifest({ huWindow: [200, -200] }), /huWindow/],
    [
      manifest({ normalisation: { ct: { mean: 0.5, std: 0 }, mask: { mean: 0.5, std: 0.5 } } }),
      /normalisation\.ct\.std/,
    ],
    [manifest({ aliases: { face: 128 } }), /aliases\.face.*128/],
    [
      manifest({ classes: [{ label: 0, name: 'x', key: 'x', embedding: [1, 2] }] }),
      /classes\.0\.embedding/,
    ],
  ];
  for (const [content, field] of cases) {
    const error = await rejection(loadBundle(await writeBundle(content)));
    assert.match(error.message, /manifest\.json/);
    assert.match(error.message, field);
  }
});
