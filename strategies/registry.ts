import { UserError } from '../src/errors.js';
import entropy from './entropy.js';
import mcDropout from './mc-dropout.js';
import oracle from './oracle.js';
import qualitySentinel from './quality-sentinel.js';
import random from './random.js';
import type { Strategy } from './strategy.js';
import { isStrategyPath, loadUserStrategy } from './user-strategy.js';

// Every built-in scoring method, by the name used in configs and `--methods`.
const strategies: Record<string, Strategy> = {
  qs: qualitySentinel,
  entropy,
  'mc-dropout': mcDropout,
  random,
  oracle,
};

// A method as an experiment uses it: the strategy, and the module it came from (null for a
// built-in one), so that a child process can load it again.
export interface ResolvedStrategy {
  strategy: Strategy;
  module: string | null;
}

// The names a user can choose, in a stable order.
export function strategyNames(): string[] {
  return Object.keys(strategies);
}

// Looks a built-in method up by name; an unknown name is a user error that lists the valid ones.
export function getStrategy(name: string): Strategy {
  const strategy = strategies[name];
  if (!strategy) {
    throw new UserError(`unknown method "${name}"`, {
      hint: `valid methods: ${strategyNames().join(', ')}, or the path of a strategy module (.js or .mjs)`,
    });
  }
  return strategy;
}

// A method by built-in name or by the path of a user's module (relative to `cwd`).
export async function resolveStrategy(method: string, cwd: string): Promise<ResolvedStrategy> {
  if (strategies[method] || !isStrategyPath(method))
    return { strategy: getStrategy(method), module: null };
  const loaded = await loadUserStrategy(method, cwd);
  if (strategies[loaded.strategy.name]) {
    throw new UserError(
      `method ${method}: its name "${loaded.strategy.name}" is the name of a built-in method`,
      { hint: 'give the strategy in the module another name' },
    );
  }
  return loaded;
}

// The experiment's methods, each loaded once; two methods of one name are a user error.
export async function resolveStrategies(
  methods: readonly string[],
  cwd: string,
): Promise<ResolvedStrategy[]> {
  const resolved: ResolvedStrategy[] = [];
  for (const method of methods) {
    const one = await resolveStrategy(method, cwd);
    if (resolved.some((r) => r.strategy.name === one.strategy.name)) {
      throw new UserError(`method "${one.strategy.name}" is given twice (${method})`, {
        hint: 'give each method once',
      });
    }
    resolved.push(one);
  }
  return resolved;
}
