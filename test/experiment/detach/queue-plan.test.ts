import assert from 'node:assert/strict';
import { test } from 'node:test';
import { queuePlan } from '../../../src/experiment/detach/queue-plan.js';
import { type Step, actionStep } from '../../../src/experiment/plan/steps.js';

// A job step for the walk (queuePlan never starts a step).
function job(key: string, after: Step<unknown>[] = []): Step<unknown> {
  return { key, isJob: true, pool: 'engine', after, start: async () => undefined };
}

// train -> predict -> score -> select (an action) -> finetune -> evaluate, with a second score.
function plan() {
  const train = job('train');
  const predict = job('predict', [train]);
  const probabilities = job('probabilities', [train]);
  const score = job('score', [predict, probabilities]);
  const select = actionStep('select', [score, predict], () => []);
  const finetune = job('finetune', [train, select]);
  const evaluate = job('evaluate', [finetune]);
  return [train, predict, probabilities, score, select, finetune, evaluate];
}

async function queue(done: string[], live: Record<string, string>) {
  const submitted: { key: string; dependsOn: string[]; id: string }[] = [];
  let next = 100;
  const counts = await queuePlan(plan(), {
    isDone: (key) => done.includes(key),
    liveId: (key) => live[key],
    async submit(step, dependsOn) {
      const id = String(next++);
      submitted.push({ key: step.key, dependsOn, id });
      return id;
    },
  });
  return { counts, submitted };
}

test('every job is queued once, after the jobs it reads, through the selection between them', async () => {
  const { counts, submitted } = await queue([], {});
  assert.deepEqual(counts, { submitted: 6, alreadyQueued: 0 });
  assert.deepEqual(submitted, [
    { key: 'train', dependsOn: [], id: '100' },
    { key: 'predict', dependsOn: ['100'], id: '101' },
    { key: 'probabilities', dependsOn: ['100'], id: '102' },
    { key: 'score', dependsOn: ['101', '102'], id: '103' },
    // The selection runs inside the fine-tune's job: it waits for what the selection reads.
    { key: 'finetune', dependsOn: ['100', '101', '103'], id: '104' },
    { key: 'evaluate', dependsOn: ['104'], id: '105' },
  ]);
});

test('done jobs are not queued and not waited for; still-queued ones are waited for, not resubmitted', async () => {
  const { counts, submitted } = await queue(['train', 'predict'], {
    probabilities: '7',
    score: '9',
  });
  assert.deepEqual(counts, { submitted: 2, alreadyQueued: 2 });
  assert.deepEqual(submitted, [
    { key: 'finetune', dependsOn: ['9'], id: '100' },
    { key: 'evaluate', dependsOn: ['100'], id: '101' },
  ]);
});

test('ids are ordered numerically, so the same plan gives the same dependency lists', async () => {
  const { submitted } = await queue(['train'], { predict: '99', probabilities: '1000' });
  assert.deepEqual(submitted[0], { key: 'score', dependsOn: ['99', '1000'], id: '100' });
});
