import { existsSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { drizzle } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import { readMigrationFiles } from 'drizzle-orm/migrator';
import { UserError } from '../errors.js';
import { noteFaultPlace } from '../system-faults.js';
import {
  checkDatabaseIntact,
  damagedDatabaseError,
  isEmptyFile,
  startOverHint,
} from './check-intact.js';
import { findMigrationsFolder } from './migrations-folder.js';
import * as schema from './schema.js';
import type { Db } from './types.js';

export interface OpenDatabaseOptions {
  // Open for reading only (reports): no migrations run, nothing is written.
  readonly?: boolean;
  // How long a statement waits for another process's write lock before failing (default 30 s).
  busyTimeoutMs?: number;
}

// Opens (creating when needed) an experiment database, checked whole first (PRAGMA quick_check:
// a damaged file is a UserError with the way forward): WAL, foreign keys on, a busy timeout so
// concurrent readers and the one writer wait rather than fail, and the shipped migrations applied.
// Writing a run also needs acquireRunLock (src/db/run-lock.ts); reading does not.
export function openDatabase(path: string, options: OpenDatabaseOptions = {}): Db {
  const readonly = options.readonly ?? false;
  const inMemory = path === ':memory:' || path === '';
  if (readonly && !inMemory && !existsSync(path)) {
    throw new UserError(`no experiment database at ${path}`, {
      hint: 'give the folder of a run made by al-run or ssl-run',
    });
  }
  if (!readonly && !inMemory) mkdirSync(dirname(path), { recursive: true });
  if (readonly && !inMemory && isEmptyFile(path)) throw emptyDatabaseError(path);
  let client: Database.Database | undefined;
  try {
    client = new Database(path, { readonly, fileMustExist: readonly });
    client.pragma(`busy_timeout = ${options.busyTimeoutMs ?? 30_000}`);
    if (!inMemory) checkDatabaseIntact(client, path);
    if (!readonly) client.pragma('journal_mode = WAL');
    // Each commit reaches the disk (fsync of the WAL) before it returns: a finished job's row
    // survives a power cut, not only a killed process (docs/reliability.md).
    if (!readonly) client.pragma('synchronous = FULL');
    client.pragma('foreign_keys = ON');
    const db = drizzle(client, { schema });
    if (readonly) checkMigrationsApplied(db, path);
    else applyMigrations(db);
    return db;
  } catch (error) {
    client?.close();
    throw explainOpenError(error, path);
  }
}

// Closes the connection (releases nothing else: see RunLock.release).
export function closeDatabase(db: Db): void {
  db.$client.close();
}

// drizzle's migrate() reads the applied version outside its transaction, so two processes
// creating the same fresh database can both try; the loser fails, and on retry finds nothing
// left to do.
function applyMigrations(db: Db): void {
  const migrationsFolder = findMigrationsFolder();
  try {
    migrate(db, { migrationsFolder });
  } catch {
    migrate(db, { migrationsFolder });
  }
}

function checkMigrationsApplied(db: Db, path: string): void {
  const shipped = readMigrationFiles({ migrationsFolder: findMigrationsFolder() });
  const latest = Math.max(0, ...shipped.map((m) => m.folderMillis));
  const table = db.$client
    .prepare(
      "SELECT name FROM sqlite_master WHERE type = 'table' AND name = '__drizzle_migrations'",
    )
    .get();
  const applied = table
    ? (db.$client.prepare('SELECT max(created_at) AS at FROM __drizzle_migrations').get() as {
        at: number | null;
      })
    : { at: null };
  if (applied.at === null || Number(applied.at) < latest) {
    throw new UserError(`the database ${path} was written by an older version of sentinel`, {
      hint: 'resume the run once with this version (same command) to upgrade it, then retry',
    });
  }
}

function explainOpenError(error: unknown, path: string): unknown {
  const code = (error as { code?: unknown }).code;
  if (code === 'SQLITE_NOTADB') {
    return new UserError(`${path} is not an SQLite database`, {
      hint: `give the folder of a run made by al-run or ssl-run, or a new --out folder; if this was a run's database, it is damaged: ${startOverHint(path)}`,
      cause: error,
    });
  }
  if (typeof code === 'string' && code.startsWith('SQLITE_CORRUPT'))
    return damagedDatabaseError(path, (error as Error).message, error);
  if (code === 'SQLITE_READONLY' || code === 'SQLITE_CANTOPEN') {
    return new UserError(`cannot open the database ${path} (${code})`, {
      hint: 'check that the run folder exists and that you may write to it',
      cause: error,
    });
  }
  return noteFaultPlace(error, { database: path });
}

// A 0-byte database read by a report: nothing was ever recorded there, or the file was cut.
function emptyDatabaseError(path: string): UserError {
  return new UserError(`the database ${path} is empty (0 bytes): no run is recorded in it`, {
    hint: `if a run was recorded there, the file was truncated: ${startOverHint(path)}`,
    exitCode: 1,
  });
}
