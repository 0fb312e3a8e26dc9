import { UserError } from '../errors.js';

// A UserError about one volume file: "<file>: <what is wrong>", with a hint on how to fix it.
export function volumeError(
  path: string,
  problem: string,
  hint?: string,
  cause?: unknown,
): UserError {
  return new UserError(`${path}: ${problem}`, { hint, cause });
}
