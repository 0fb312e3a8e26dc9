import { existsSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { UserError } from '../src/errors.js';
import { STRATEGY_NEEDS, type Strategy } from './strategy.js';

// A method given as the path of a user's module rather than a built-in name.
export function isStrategyPath(method: string): boolean {
  return /\.m?js$/.test(method) || method.includes('/');
}

// Loads a user's strategy module (`.js` or `.mjs`, relative to `cwd` or absolute): its default
// export must be a Strategy. Returns the strategy and the module's absolute path.
export async function loadUserStrategy(
  method: string,
  cwd: string,
): Promise<{ strategy: Strategy; module: string }> {
  const module = isAbsolute(method) ? method : resolve(cwd, method);
  const fix = 'see docs/strategies.md for the shape of a strategy module';
  if (!/\.m?js$/.test(module)) {
    throw new UserError(`method ${method}: a strategy module must be a .js or .mjs file`, {
      hint: fix,
    });
  }
  if (!existsSync(module)) {
    throw new UserError(`method ${method}: no such strategy module (${module})`, {
      hint: 'give the path of the module relative to the current folder, or an absolute one',
    });
  }
  let loaded: { default?: unknown };
  try {
    loaded = await import(pathToFileURL(module).href);
  } catch (error) {
    throw new UserError(`method ${method}: the module cannot be loaded: ${String(error)}`, {
      hint: fix,
    });
  }
  const problem = strategyProblem(loaded.default);
  if (problem) {
    throw new UserError(`method ${method}: the default export is not a strategy: ${problem}`, {
      hint: fix,
    });
  }
  return { strategy: loaded.default as Strategy, module };
}

// What is wrong with a value that should be a Strategy, or undefined when nothing is.
function strategyProblem(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null) return 'there is no default export object';
  const s = value as Record<string, unknown>;
  if (typeof s.name !== 'string' || !/^[a-z0-9][a-z0-9._-]*$/i.test(s.name))
    return 'name must be a word of letters, digits, ".", "_" or "-" (it names jobs and folders)';
  if (typeof s.description !== 'string') return 'description must be a string';
  if (typeof s.randomized !== 'boolean') return 'randomized must be true or false';
  if (typeof s.score !== 'function') return 'score(cases, context) must be a function';
  if (typeof s.needs !== 'object' || s.needs === null) return 'needs must be an object';
  const needs = s.needs as Record<string, unknown>;
  const known: readonly string[] = STRATEGY_NEEDS;
  for (const [need, wanted] of Object.entries(needs)) {
    if (!known.includes(need)) return `needs.${need} is unknown (known: ${known.join(', ')})`;
    if (typeof wanted !== 'boolean') return `needs.${need} must be true or false`;
  }
  return undefined;
}
