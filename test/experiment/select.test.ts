import assert from 'node:assert/strict';
import { test } from 'node:test';
import { rankCases, selectHighest, selectLowest } from '../../src/experiment/select.js';

const cases = [
  { caseId: 'a', score: 0.9 },
  { caseId: 'b', score: 0.2 },
  { caseId: 'c', score: null },
  { caseId: 'd', score: 0.5 },
  { caseId: 'e', score: 0.7 },
];

test('AL takes the lowest scores, n/a first', () => {
  assert.deepEqual(
    selectLowest(cases, 3, 0).map((s) => s.caseId),
    ['c', 'b', 'd'],
  );
});

test('SSL takes the highest scores, n/a never before a scored case', () => {
  assert.deepEqual(
    selectHighest(cases, 5, 0).map((s) => s.caseId),
    ['a', 'e', 'd', 'b', 'c'],
  );
});

test('ranks are 1-based and consecutive', () => {
  assert.deepEqual(
    selectLowest(cases, 5, 1).map((s) => s.rank),
    [1, 2, 3, 4, 5],
  );
});

test('ties are broken by the seed, not by input order, and reproducibly', () => {
  const tied = Array.from({ length: 20 }, (_, i) => ({ caseId: `case${i}`, score: 0.5 }));
  const first = rankCases(tied, 'ascending', 3).map((s) => s.caseId);
  const again = rankCases([...tied].reverse(), 'ascending', 3).map((s) => s.caseId);
  const otherSeed = rankCases(tied, 'ascending', 4).map((s) => s.caseId);
  assert.deepEqual(first, again, 'same seed, any input order: same ranking');
  assert.notDeepEqual(first, otherSeed, 'another seed breaks ties differently');
  assert.notDeepEqual(
    first,
    tied.map((c) => c.caseId),
    'not the input order',
  );
});
