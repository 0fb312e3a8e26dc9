import { UserError } from '../src/errors.js';
import entropy from './entropy.js';
import mcDropout from './mc-dropout.js';
import oracle from './oracle.js';
import qualitySentinel from './quality-sentinel.js';
import random from './random.js';
import type { Strategy } from './strategy.js';

// Every scoring method, by the name used in configs and `--methods`.
const strategies: Record<string, Strategy> = {
  qs: qualitySentinel,
  entropy,
  'mc-dropout': mcDropout,
  random,
  oracle,
};

// The names a user can choose, in a stable order.
export function strategyNames(): string[] {
  return Object.keys(strategies);
}

// Looks a method up by name; an unknown name is a user error that lists the valid ones.
export function getStrategy(name: string): Strategy {
  const strategy = strategies[name];
  if (!strategy) {
    throw new UserError(`unknown method "${name}"`, {
      hint: `valid methods: ${strategyNames().join(', ')}`,
    });
  }
  return strategy;
}
