import { seededUniform } from '../src/seeded-uniform.js';
import type { Strategy } from './strategy.js';

// Random selection: a seeded uniform draw per case (and per organ), the baseline every
// method is compared against.
const random: Strategy = {
  name: 'random',
  description: 'seeded uniform draw per case (the baseline)',
  randomized: true,
  needs: {},
  async score(cases, context) {
    const organs = Object.values(context.classes);
    return cases.map((c) => ({
      caseId: c.id,
      organs: organs.map((organ) => ({
        organ,
        score: seededUniform(context.seed, `${c.id}/${organ}`),
      })),
      caseScore: seededUniform(context.seed, c.id),
    }));
  },
};
export default random;
