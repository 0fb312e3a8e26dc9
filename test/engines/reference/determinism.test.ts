import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { after, before, test } from 'node:test';
import { PredictResponse } from '../../../src/engine/contract.js';
import {
  type Fixture,
  makeFixture,
  predictRequest,
  runReference,
  trainRequest,
} from './reference-fixture.js';

let fixture: Fixture;

before(async () => {
  fixture = await makeFixture();
});
after(() => fixture.cleanup());

async function train(name: string, seed: number): Promise<Buffer> {
  const request = trainRequest(fixture, name, { seed });
  const run = await runReference(fixture, 'train', request, name);
  assert.equal(run.exitCode, 0, run.stderr);
  return readFile(request.checkpoint);
}

async function predictFiles(checkpoint: string, name: string, seed: number): Promise<Buffer[]> {
  const request = predictRequest(fixture, checkpoint, name, {
    seed,
    save: { probabilities: true, mcSamples: 2, probabilityType: 'float32' },
  });
  const run = await runReference(fixture, 'predict', request, name);
  assert.equal(run.exitCode, 0, run.stderr);
  const response = PredictResponse.parse(JSON.parse(await readFile(request.response, 'utf8')));
  const paths = response.outputs.flatMap((o) => [o.mask, o.probabilities!, ...o.mcSamples!]);
  return Promise.all(paths.map((path) => readFile(path)));
}

test('the same seed gives a byte-identical checkpoint and outputs; another seed does not', async () => {
  const [a, b, c] = await Promise.all([train('a', 1), train('b', 1), train('c', 2)]);
  assert.ok(a.equals(b), 'same seed, same checkpoint bytes');
  assert.ok(!a.equals(c), 'another seed, another checkpoint');

  const checkpoint = trainRequest(fixture, 'a').checkpoint;
  const [first, again, otherSeed] = await Promise.all([
    predictFiles(checkpoint, 'p1', 5),
    predictFiles(checkpoint, 'p2', 5),
    predictFiles(checkpoint, 'p3', 6),
  ]);
  assert.equal(first.length, 8);
  first.forEach((bytes, i) => assert.ok(bytes.equals(again[i]!), `output ${i} is byte-identical`));
  // Masks and plain probabilities do not depend on the seed; MC samples do.
  assert.ok(first[0]!.equals(otherSeed[0]!));
  assert.ok(!first[2]!.equals(otherSeed[2]!), 'MC samples follow the request seed');
});
