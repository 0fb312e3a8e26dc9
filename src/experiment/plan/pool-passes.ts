import type { Strategy, StrategyNeeds } from '../../../strategies/strategy.js';
import { jobKeys } from '../../db/job-keys.js';
import type { ExperimentSettings } from '../experiment-settings.js';

// A prediction pass over the pool that a strategy's need asks for, beyond the pseudo labels:
// what the engine saves, and whether it is made once per M0 or once per seed (stochastic).
export interface PoolPass {
  need: keyof StrategyNeeds;
  perSeed: boolean;
  key(m0: string, seed: number): string;
  save(s: ExperimentSettings): { probabilities: boolean; mcSamples: number };
}

// The needs that are met by predicting the pool once more. (truth and qsBundle need no job.)
export const POOL_PASSES: readonly PoolPass[] = [
  {
    need: 'probabilities',
    perSeed: false,
    key: (m0) => jobKeys.predictPoolProbabilities(m0),
    save: () => ({ probabilities: true, mcSamples: 0 }),
  },
  {
    need: 'mcSamples',
    perSeed: true,
    key: (m0, seed) => jobKeys.predictPoolMc(m0, seed),
    save: (s) => ({ probabilities: false, mcSamples: s.mcSamples }),
  },
];

// The passes a strategy needs.
export function passesOf(strategy: Strategy): PoolPass[] {
  return POOL_PASSES.filter((p) => strategy.needs[p.need] === true);
}

// Whether a strategy's scores change with the seed: a seeded draw, or a seeded pass it reads.
export function scoredPerSeed(strategy: Strategy): boolean {
  return strategy.randomized || passesOf(strategy).some((p) => p.perSeed);
}

// What one pass over the pool saves so that a strategy has all it needs (a later round predicts
// the rest of the pool once, with everything its method reads).
export function saveFor(
  strategy: Strategy,
  s: ExperimentSettings,
): { probabilities: boolean; mcSamples: number } {
  const saves = passesOf(strategy).map((p) => p.save(s));
  return {
    probabilities: saves.some((x) => x.probabilities),
    mcSamples: Math.max(0, ...saves.map((x) => x.mcSamples)),
  };
}
