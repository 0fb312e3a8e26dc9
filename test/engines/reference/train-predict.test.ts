import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { after, before, test } from 'node:test';
import { PredictResponse, TrainResponse } from '../../../src/engine/contract.js';
import { readLabelMap, readNifti } from '../../../src/volume/index.js';
import {
  type Fixture,
  makeFixture,
  predictRequest,
  runReference,
  trainRequest,
} from './reference-fixture.js';

let fixture: Fixture;
let checkpoint: string;

before(async () => {
  fixture = await makeFixture();
  const request = trainRequest(fixture, 'model');
  const run = await runReference(fixture, 'train', request);
  assert.equal(run.exitCode, 0, run.stderr);
  checkpoint = request.checkpoint;
});
after(() => fixture.cleanup());

test('train writes a contract response naming the checkpoint, with stats', async () => {
  const response = TrainResponse.parse(
    JSON.parse(await readFile(trainRequest(fixture, 'model').response, 'utf8')),
  );
  assert.equal(response.engine.name, 'reference');
  assert.equal(response.checkpoint, checkpoint);
  assert.equal(response.stats?.trees, 8);
  const saved = JSON.parse(await readFile(checkpoint, 'utf8'));
  assert.equal(saved.format, 'sentinel-reference-engine/2');
  assert.equal(saved.forest.trees.length, 8);
  assert.deepEqual(saved.labels, [1, 2, 3, 4, 5, 6, 7, 8, 9]);
});

test('predict writes masks on the image grid, probabilities summing to 1, and differing MC samples', async () => {
  const request = predictRequest(fixture, checkpoint, 'float', {
    save: { probabilities: true, mcSamples: 2, probabilityType: 'float32' },
  });
  const run = await runReference(fixture, 'predict', request);
  assert.equal(run.exitCode, 0, run.stderr);
  const response = PredictResponse.parse(JSON.parse(await readFile(request.response, 'utf8')));
  assert.deepEqual(
    response.outputs.map((o) => o.id),
    request.cases.map((c) => c.id),
  );
  for (const [i, output] of response.outputs.entries()) {
    const image = await readNifti(request.cases[i]!.image);
    const mask = await readLabelMap(output.mask);
    assert.deepEqual(mask.dims, image.dims);
    assert.deepEqual(mask.affine, image.affine);
    assert.equal(mask.datatype, 'uint8');
    assert.ok([...new Set(mask.data)].every((v) => v <= 9));
    assert.ok(
      mask.data.some((v) => v > 0),
      'some organ voxels are predicted',
    );

    const probabilities = await readNifti(output.probabilities!);
    assert.deepEqual(probabilities.dims, [...image.dims, 10]);
    assert.equal(probabilities.datatype, 'float32');
    const voxels = mask.data.length;
    for (let v = 0; v < voxels; v += 7) {
      let sum = 0;
      for (let c = 0; c < 10; c++) sum += probabilities.data[c * voxels + v]!;
      assert.ok(Math.abs(sum - 1) < 1e-4, `voxel ${v} sums to ${sum}`);
    }
    assert.equal(output.mcSamples?.length, 2);
    const [a, b] = await Promise.all(output.mcSamples!.map((path) => readNifti(path)));
    assert.deepEqual(a!.dims, probabilities.dims);
    assert.ok(differs(a!.data, b!.data), 'MC samples differ from each other');
    assert.ok(differs(a!.data, probabilities.data), 'an MC sample differs from the plain pass');
  }
});

test('a mask-only prediction (votes stopped once decided) gives the masks the full vote gives', async () => {
  const full = predictRequest(fixture, checkpoint, 'full-vote', {
    save: { probabilities: true, mcSamples: 0, probabilityType: 'float32' },
  });
  const quick = predictRequest(fixture, checkpoint, 'mask-only');
  for (const [name, request] of [['full-vote', full] as const, ['mask-only', quick] as const]) {
    const run = await runReference(fixture, 'predict', request, name);
    assert.equal(run.exitCode, 0, run.stderr);
  }
  const outputs = async (path: string) =>
    PredictResponse.parse(JSON.parse(await readFile(path, 'utf8'))).outputs;
  const [fullOutputs, quickOutputs] = [await outputs(full.response), await outputs(quick.response)];
  for (const [i, output] of quickOutputs.entries()) {
    assert.equal(output.probabilities, undefined);
    const [a, b] = [await readLabelMap(fullOutputs[i]!.mask), await readLabelMap(output.mask)];
    assert.ok(a.data.some((v) => v > 0));
    assert.deepEqual(b.data, a.data, `case ${output.id}`);
  }
});

test('predict stores uint8 probabilities with scl_slope 1/255, summing to 1', async () => {
  const request = predictRequest(fixture, checkpoint, 'bytes', {
    save: { probabilities: true, mcSamples: 1, probabilityType: 'uint8' },
  });
  const run = await runReference(fixture, 'predict', request);
  assert.equal(run.exitCode, 0, run.stderr);
  const response = PredictResponse.parse(JSON.parse(await readFile(request.response, 'utf8')));
  const probabilities = await readNifti(response.outputs[0]!.probabilities!);
  assert.equal(probabilities.datatype, 'uint8');
  assert.ok(Math.abs(probabilities.sclSlope - 1 / 255) < 1e-9);
  const voxels = probabilities.data.length / 10;
  for (let v = 0; v < voxels; v += 5) {
    let sum = 0;
    for (let c = 0; c < 10; c++) sum += probabilities.data[c * voxels + v]!;
    assert.ok(Math.abs(sum - 1) < 1e-5, `voxel ${v} sums to ${sum}`);
  }
});

test('predict gives case ids that clash as file names distinct files', async () => {
  const image = fixture.dataset.test[0]!.image;
  const request = predictRequest(fixture, checkpoint, 'clash', {
    cases: [
      { id: 'a/b', image },
      { id: 'a_b', image },
    ],
  });
  const run = await runReference(fixture, 'predict', request);
  assert.equal(run.exitCode, 0, run.stderr);
  const response = PredictResponse.parse(JSON.parse(await readFile(request.response, 'utf8')));
  const [first, second] = response.outputs.map((o) => o.mask);
  assert.notEqual(first, second);
  assert.ok(first!.startsWith(request.outputDir) && second!.startsWith(request.outputDir));
});

function differs(a: ArrayLike<number>, b: ArrayLike<number>): boolean {
  for (let i = 0; i < a.length; i++) if (Math.abs(a[i]! - b[i]!) > 1e-3) return true;
  return false;
}
