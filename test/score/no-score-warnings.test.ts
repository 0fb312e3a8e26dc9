import assert from 'node:assert/strict';
import { test } from 'node:test';
import { noScoreWarnings } from '../../src/score/no-score-warnings.js';

// Empty masks are reported per case; a list of organs the bundle does not know is given in full
// once, and the cases repeating it are counted at the end.

test('unknown-organ lists are given once and their repeats counted; empty masks per case', () => {
  const lines: string[] = [];
  const warnings = noScoreWarnings((m) => lines.push(m));
  const unknown = (...names: string[]) => names.map((organ) => ({ organ, reason: 'no-class' }));
  const scored = { organ: 'liver' };
  warnings.add('a', [scored, ...unknown('brain', 'heart')]);
  warnings.add('b', [...unknown('brain', 'heart'), { organ: 'spleen', reason: 'empty-mask' }]);
  warnings.add('c', unknown('brain', 'heart'));
  warnings.add('d', unknown('brain'));
  warnings.add('e', [scored]);
  warnings.finish();
  assert.deepEqual(lines, [
    'a: not in the QS bundle, no score for 2 organ(s): brain, heart',
    'b: no mask voxels, no score for 1 organ(s): spleen',
    'd: not in the QS bundle, no score for 1 organ(s): brain',
    '2 more case(s): the same 2 organ(s) as a not in the QS bundle, no score',
  ]);
});
