import type Database from 'better-sqlite3';
import type { BetterSQLite3Database } from 'drizzle-orm/better-sqlite3';
import type { BaseSQLiteDatabase } from 'drizzle-orm/sqlite-core';
import type * as schema from './schema.js';

// An open experiment database (drizzle over better-sqlite3; `$client` is the raw connection).
export type Db = BetterSQLite3Database<typeof schema> & { $client: Database.Database };

// Anything the query modules can write through: the database or a transaction inside it, so a
// caller can group several writes (one job's results and its status) into one transaction.
export type DbWriter = BaseSQLiteDatabase<'sync', Database.RunResult, typeof schema>;
