import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ExperimentSettings } from '../../src/experiment/experiment-settings.js';
import { planSteps } from '../../src/experiment/plan-experiment.js';
import type { Strategy } from '../../strategies/strategy.js';

// A strategy that only declares: the plan must follow its declarations, whatever its name.
function declared(name: string, randomized: boolean, needs: Strategy['needs']) {
  const strategy: Strategy = { name, description: name, randomized, needs, score: async () => [] };
  return { strategy, module: `/somewhere/${name}.mjs` };
}

const cases = (prefix: string, n: number) =>
  Array.from({ length: n }, (_, i) => ({ id: `${prefix}${i}`, image: 'i', label: 'l' }));
const data = {
  classes: { '1': 'liver' },
  labeled: cases('l', 2),
  pool: cases('p', 6),
  test: cases('t', 2),
  source: 'test',
};

function plan(overrides: Partial<ExperimentSettings>) {
  const s = {
    kind: 'al',
    seeds: [0, 1],
    budgets: [2],
    rounds: 1,
    exportWorklist: false,
    detach: false,
    mcSamples: 3,
    training: {
      repeatM0: false,
      finetuneFrom: 'm0',
      pretrained: null,
      m0Params: {},
      finetuneParams: {},
    },
    qs: { model: 'q', batchSize: 4 },
    strategies: [
      declared('wants-probabilities', false, { probabilities: true }),
      declared('wants-samples', false, { mcSamples: true }),
      declared('draws', true, {}),
      declared('also-probabilities', false, { probabilities: true, truth: true }),
    ],
    ...overrides,
  } as ExperimentSettings;
  const steps = planSteps({ s, data, experimentId: 1 });
  const jobs = steps.filter((step) => step.isJob).map((step) => step.key);
  return { steps, jobs };
}

test('the plan derives its jobs from what each strategy declares, and counts only jobs', () => {
  const { steps, jobs } = plan({});
  assert.equal(new Set(jobs).size, jobs.length, 'unique keys');
  // One probabilities pass shared by both methods that need it; MC passes per seed.
  assert.deepEqual(
    jobs.filter((k) => k.startsWith('predict/pool')),
    [
      'predict/pool/m0',
      'predict/pool-probabilities/m0',
      'predict/pool-mc/m0/seed=0',
      'predict/pool-mc/m0/seed=1',
    ],
  );
  // Scored once (deterministic, no seeded input) or per seed (a seeded draw, seeded MC passes).
  assert.deepEqual(jobs.filter((k) => k.startsWith('score/')).sort(), [
    'score/also-probabilities/m0',
    'score/draws/m0/seed=0',
    'score/draws/m0/seed=1',
    'score/wants-probabilities/m0',
    'score/wants-samples/m0/seed=0',
    'score/wants-samples/m0/seed=1',
  ]);
  // M0 4 + 3 extra passes + 6 scores + (4 methods x 2 seeds + 2 controls) x 3.
  assert.equal(jobs.length, 4 + 3 + 6 + 30);
  assert.equal(steps.length - jobs.length, 4 * 2, 'one selection per method and seed');
});

test('each later round adds a pool prediction, a score and a fine-tune chain per method, seed and budget', () => {
  const one = plan({}).jobs;
  const three = plan({ rounds: 3, budgets: [1, 2] }).jobs;
  const oneTwoBudgets = plan({ budgets: [1, 2] }).jobs;
  assert.equal(three.length, oneTwoBudgets.length + 4 * 2 * 2 * 2 * 5);
  assert.ok(
    one.every((k) => three.includes(k)),
    'round 1 keys are the single-round keys',
  );
  assert.ok(three.includes('predict/pool/draws/seed=1/budget=2/round=3'));
  assert.ok(three.includes('evaluate/wants-samples/seed=0/budget=1/round=2'));
});

test('a worklist export plans no fine-tune; repeatM0 plans one M0 chain per seed', () => {
  const { jobs } = plan({ exportWorklist: true });
  assert.ok(!jobs.some((k) => k.startsWith('finetune/')));
  const repeated = plan({
    training: {
      repeatM0: true,
      finetuneFrom: 'm0',
      pretrained: null,
      m0Params: {},
      finetuneParams: {},
    },
  }).jobs;
  assert.ok(
    repeated.includes('train/m0-seed=1') && repeated.includes('predict/pool-mc/m0-seed=1/seed=1'),
  );
});
