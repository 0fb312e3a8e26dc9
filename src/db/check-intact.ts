import { statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type Database from 'better-sqlite3';
import { UserError } from '../errors.js';
import { shellQuote } from '../shell-quote.js';

// How many of quick_check's problem lines a message quotes.
const QUOTED_PROBLEMS = 3;

// Checks a database file before it is used: PRAGMA quick_check reads every page and checks the
// b-trees' structure (not the indexes' content, which integrity_check also compares), so a
// truncated file or a page overwritten with garbage is found here, at open, not midway through
// a run. A damaged file is a UserError that says how to go on (damagedDatabaseError).
export function checkDatabaseIntact(client: Database.Database, path: string): void {
  let problems: string[];
  try {
    const rows = client.pragma('quick_check') as { quick_check: string }[];
    problems = rows.map((row) => row.quick_check);
  } catch (error) {
    // Not a database at all: open-database.ts says so.
    if ((error as { code?: unknown }).code === 'SQLITE_NOTADB') throw error;
    throw damagedDatabaseError(path, (error as Error).message, error);
  }
  if (problems.length === 1 && problems[0] === 'ok') return;
  const lines = problems.flatMap((problem) => problem.split('\n'));
  const more = lines.length > QUOTED_PROBLEMS ? `; ${lines.length - QUOTED_PROBLEMS} more` : '';
  throw damagedDatabaseError(path, `${lines.slice(0, QUOTED_PROBLEMS).join('; ')}${more}`);
}

// A damaged database: what SQLite found, and the way forward (startOverHint).
export function damagedDatabaseError(path: string, found: string, cause?: unknown): UserError {
  return new UserError(`the database ${path} is damaged (${found})`, {
    hint: startOverHint(path),
    exitCode: 1,
    cause,
  });
}

// How to go on from a damaged database: start the run over with the damaged files kept aside
// (its WAL and shared-memory files too: an old WAL replayed onto a new database would damage
// it); finished jobs run again. See docs/reliability.md.
export function startOverHint(path: string): string {
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const aside = shellQuote(join(dirname(path), `damaged-${stamp}`));
  const files = `${shellQuote(dirname(path))}/${shellQuote(basename(path))}*`;
  return `keep it aside and start the run over (finished jobs run again; see docs/reliability.md): mkdir ${aside} && mv ${files} ${aside}/ ; then run the same al-run or ssl-run command again`;
}

// Whether a database file is empty (0 bytes: never written, or truncated to nothing).
export function isEmptyFile(path: string): boolean {
  try {
    return statSync(path).size === 0;
  } catch {
    return false;
  }
}
