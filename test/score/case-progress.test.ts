import assert from 'node:assert/strict';
import { test } from 'node:test';
import { caseProgress } from '../../src/score/case-progress.js';

// sentinel score's progress line: drawn on a terminal (throttled, warnings above it, cleared at
// the end), absent elsewhere, where only the warnings are written.

function fakeStream(isTTY: boolean) {
  const written: string[] = [];
  return { written, stream: { isTTY, write: (text: string) => written.push(text) } };
}

test('on a terminal the line shows cases, rate and time left, with warnings above it', () => {
  let clock = 0;
  const { written, stream } = fakeStream(true);
  const progress = caseProgress(100, stream, () => clock);
  clock = 10_000;
  progress.update(20);
  assert.equal(written.at(-1), '\rscoring: 20/100 cases (2.0 cases/s, 40 s left)\x1b[K');
  clock = 10_050;
  progress.update(21); // within 200 ms of the last draw: not redrawn
  assert.equal(written.length, 1);
  progress.warn('case7: no mask voxels, no score for 1 organ(s): liver');
  assert.deepEqual(written.slice(1), [
    '\r\x1b[K',
    'warning: case7: no mask voxels, no score for 1 organ(s): liver\n',
    '\rscoring: 21/100 cases (2.1 cases/s, 38 s left)\x1b[K',
  ]);
  clock = 10_100;
  progress.update(100); // the last case is always drawn
  assert.match(written.at(-1) as string, /100\/100 cases .*0 s left/);
  progress.stop();
  assert.equal(written.at(-1), '\r\x1b[K');
  clock = 4_000_000;
  const long = fakeStream(true);
  caseProgress(10_000, long.stream, () => clock).update(0);
  assert.equal(long.written.at(-1), '\rscoring: 0/10000 cases\x1b[K');
  const slow = caseProgress(200, long.stream, () => clock);
  const slower = caseProgress(4, long.stream, () => clock);
  clock += 60_000; // one case a minute
  slow.update(1);
  assert.match(long.written.at(-1) as string, /1\/200 cases \(0\.0 cases\/s, 3 h 19 min left\)/);
  clock += 15_000;
  slower.update(2);
  assert.match(long.written.at(-1) as string, /2\/4 cases .*, 1 min 15 s left\)/);
});

test('elsewhere only the warnings are written, one line each', () => {
  const { written, stream } = fakeStream(false);
  const progress = caseProgress(3, stream);
  progress.update(1);
  progress.warn('a');
  progress.update(3);
  progress.stop();
  assert.deepEqual(written, ['warning: a\n']);
});
