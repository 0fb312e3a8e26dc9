import assert from 'node:assert/strict';
import { test } from 'node:test';
import { finalizeScores } from '../../strategies/finalize-scores.js';
import { getStrategy, strategyNames } from '../../strategies/registry.js';

const context = (seed: number) => ({
  classes: { '1': 'liver', '2': 'spleen' },
  seed,
  options: {},
  warn: () => {},
});
const pool = Array.from({ length: 50 }, (_, i) => ({ id: `p${i}`, image: '/x', mask: '/y' }));

test('random: a case keeps its draw whatever the pool order; seeds differ', async () => {
  const random = getStrategy('random');
  const forward = await random.score(pool, context(7));
  const backward = await random.score([...pool].reverse(), context(7));
  const byId = new Map(backward.map((c) => [c.caseId, c.caseScore]));
  for (const c of forward) assert.equal(byId.get(c.caseId), c.caseScore);
  const other = await random.score(pool, context(8));
  assert.notDeepEqual(
    forward.map((c) => c.caseScore),
    other.map((c) => c.caseScore),
  );
});

test('random: draws look uniform on [0, 1)', async () => {
  const many = Array.from({ length: 4000 }, (_, i) => ({ id: `c${i}`, image: '', mask: '' }));
  const scores = (await getStrategy('random').score(many, context(1))).map(
    (c) => c.caseScore as number,
  );
  assert.ok(scores.every((s) => s >= 0 && s < 1));
  const mean = scores.reduce((a, b) => a + b, 0) / scores.length;
  assert.ok(Math.abs(mean - 0.5) < 0.02, `mean ${mean}`);
  const lowQuarter = scores.filter((s) => s < 0.25).length / scores.length;
  assert.ok(Math.abs(lowQuarter - 0.25) < 0.03, `share below 0.25: ${lowQuarter}`);
});

test('an unknown method is a user error listing the valid ones', () => {
  assert.throws(
    () => getStrategy('magic'),
    (error: Error & { hint?: string }) => {
      assert.match(error.message, /unknown method "magic"/);
      assert.match(error.hint ?? '', new RegExp(strategyNames().join(', ')));
      return true;
    },
  );
});

test('finalizeScores: NaN is n/a, case = mean of scored organs unless given', () => {
  const [a, b] = finalizeScores([
    {
      caseId: 'a',
      organs: [
        { organ: 'liver', score: 0.8 },
        { organ: 'spleen', score: Number.NaN },
        { organ: 'x', score: 0.4 },
      ],
    },
    { caseId: 'b', organs: [{ organ: 'liver', score: 0.1 }], caseScore: -3 },
  ]);
  assert.equal(a?.organs[1]?.score, null);
  assert.ok(Math.abs((a?.caseScore ?? 0) - 0.6) < 1e-12);
  assert.equal(b?.caseScore, -3);
});
