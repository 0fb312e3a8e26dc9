import { UserError } from '../src/errors.js';
import { dicePerLabel } from '../src/metrics/dice.js';
import { readLabelMap } from '../src/volume/read-label-map.js';
import { assertSameGrid } from '../src/volume/same-grid.js';
import type { Strategy } from './strategy.js';

// The oracle: the true Dice of each organ's pseudo label against the ground truth (an organ
// absent from both has no score). Only where ground truth exists; the yardstick the other
// rankers are measured against.
const oracle: Strategy = {
  name: 'oracle',
  description: 'true Dice against the ground truth (needs reference labels)',
  randomized: false,
  needs: { truth: true },
  async score(cases, context) {
    const labels = Object.keys(context.classes).map(Number);
    const results = [];
    for (const c of cases) {
      if (!c.truth) {
        throw new UserError(`oracle: case ${c.id} has no ground truth`, {
          hint: 'the oracle needs reference labels for the pool; choose another method for unlabeled data',
        });
      }
      const [mask, truth] = await Promise.all([readLabelMap(c.mask), readLabelMap(c.truth)]);
      assertSameGrid(mask, truth, [c.mask, c.truth]);
      const dice = dicePerLabel(mask.data, truth.data, labels);
      results.push({
        caseId: c.id,
        organs: labels.map((label) => ({
          organ: context.classes[String(label)] ?? String(label),
          score: dice.get(label) ?? null,
        })),
      });
    }
    return results;
  },
};
export default oracle;
