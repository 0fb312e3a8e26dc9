import assert from 'node:assert/strict';
import { test } from 'node:test';
import { firstProblemInOrder } from '../../src/engine/first-problem-in-order.js';

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

test('reports the earliest item with a problem even when a later one finishes first', async () => {
  // item 1 is slow and bad, item 3 fast and bad: a one-by-one pass reports item 1
  const delays = [5, 30, 5, 1, 5, 5];
  const bad = new Set([1, 3]);
  const problem = await firstProblemInOrder([0, 1, 2, 3, 4, 5], 3, async (i) => {
    await pause(delays[i]!);
    return bad.has(i) ? `item ${i}` : undefined;
  });
  assert.equal(problem, 'item 1');
});

test('keeps at most `limit` checks in flight and starts none after a problem', async () => {
  let inFlight = 0;
  let most = 0;
  const started: number[] = [];
  const items = Array.from({ length: 40 }, (_, i) => i);
  const problem = await firstProblemInOrder(items, 4, async (i) => {
    started.push(i);
    inFlight++;
    most = Math.max(most, inFlight);
    await pause(1);
    inFlight--;
    return i === 10 ? 'ten' : undefined;
  });
  assert.equal(problem, 'ten');
  assert.equal(most, 4);
  assert.ok(Math.max(...started) < 10 + 4, `started up to ${Math.max(...started)}`);
});

test('passes a thrown error on, and returns undefined when every item is fine', async () => {
  await assert.rejects(
    firstProblemInOrder([1, 2, 3], 2, async (i) => {
      if (i === 2) throw new Error('unreadable');
      return undefined;
    }),
    /unreadable/,
  );
  assert.equal(await firstProblemInOrder([1, 2, 3], 2, async () => undefined), undefined);
  assert.equal(await firstProblemInOrder([], 2, async () => 'never'), undefined);
});
