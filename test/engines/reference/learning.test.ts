import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { after, before, test } from 'node:test';
import { PredictResponse, TrainResponse } from '../../../src/engine/contract.js';
import { dicePerLabel } from '../../../src/metrics/dice.js';
import { readLabelMap } from '../../../src/volume/index.js';
import {
  FAST_MLP_PARAMS,
  FAST_PARAMS,
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

async function train(name: string, params: Record<string, unknown>, init: string | null = null) {
  const request = trainRequest(fixture, name, { params, init });
  const run = await runReference(fixture, 'train', request, name);
  assert.equal(run.exitCode, 0, run.stderr);
  return {
    checkpoint: request.checkpoint,
    response: TrainResponse.parse(JSON.parse(await readFile(request.response, 'utf8'))),
  };
}

// Mean Dice over the 9 organs and the fixture's test cases.
async function testDice(checkpoint: string, name: string): Promise<number> {
  const request = predictRequest(fixture, checkpoint, name);
  const run = await runReference(fixture, 'predict', request, name);
  assert.equal(run.exitCode, 0, run.stderr);
  const response = PredictResponse.parse(JSON.parse(await readFile(request.response, 'utf8')));
  const labels = [1, 2, 3, 4, 5, 6, 7, 8, 9];
  let sum = 0;
  for (const [i, output] of response.outputs.entries()) {
    const pred = (await readLabelMap(output.mask)).data;
    const truth = (await readLabelMap(fixture.dataset.test[i]!.label)).data;
    for (const dice of dicePerLabel(pred, truth, labels).values())
      sum += Number.isNaN(dice) ? 0 : dice;
  }
  return sum / (labels.length * response.outputs.length);
}

test('a network: a trained model beats a barely trained one, and fine-tuning continues from the init', async (t) => {
  const [short, long] = await Promise.all([
    train('short', { ...FAST_MLP_PARAMS, steps: 5 }),
    train('long', { ...FAST_MLP_PARAMS, steps: 300 }),
  ]);
  const [shortDice, longDice] = await Promise.all([
    testDice(short.checkpoint, 'short'),
    testDice(long.checkpoint, 'long'),
  ]);
  t.diagnostic(`test Dice: 5 steps ${shortDice.toFixed(3)}, 300 steps ${longDice.toFixed(3)}`);
  assert.ok(
    longDice > shortDice + 0.1,
    `trained ${longDice.toFixed(3)} vs barely trained ${shortDice.toFixed(3)}`,
  );

  const tuned = await train('tuned', { ...FAST_MLP_PARAMS, steps: 150 }, short.checkpoint);
  assert.equal(tuned.response.stats?.steps, 155);
  assert.equal(tuned.response.stats?.fineTuned, true);
  const tunedDice = await testDice(tuned.checkpoint, 'tuned');
  t.diagnostic(
    `test Dice after fine-tuning the 5-step model for 150 steps: ${tunedDice.toFixed(3)}`,
  );
  assert.ok(
    tunedDice > shortDice + 0.1,
    `fine-tuned ${tunedDice.toFixed(3)} vs ${shortDice.toFixed(3)} before`,
  );
});

test('a forest: grown trees beat a stump, and fine-tuning adds trees to the init', async (t) => {
  const [stump, grown] = await Promise.all([
    train('stump', { ...FAST_PARAMS, trees: 1, maxDepth: 1 }),
    train('grown', FAST_PARAMS),
  ]);
  const [stumpDice, grownDice] = await Promise.all([
    testDice(stump.checkpoint, 'stump'),
    testDice(grown.checkpoint, 'grown'),
  ]);
  t.diagnostic(`test Dice: one stump ${stumpDice.toFixed(3)}, 8 trees ${grownDice.toFixed(3)}`);
  assert.ok(
    grownDice > stumpDice + 0.1,
    `grown ${grownDice.toFixed(3)} vs stump ${stumpDice.toFixed(3)}`,
  );

  const tuned = await train('tuned-forest', FAST_PARAMS, stump.checkpoint);
  assert.equal(tuned.response.stats?.trees, 9);
  assert.equal(tuned.response.stats?.fineTuned, true);
  const tunedDice = await testDice(tuned.checkpoint, 'tuned-forest');
  t.diagnostic(`test Dice after adding 8 trees to the stump: ${tunedDice.toFixed(3)}`);
  assert.ok(
    tunedDice > stumpDice + 0.1,
    `fine-tuned ${tunedDice.toFixed(3)} vs ${stumpDice.toFixed(3)}`,
  );
});
