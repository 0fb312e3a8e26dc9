import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { findMigrationsFolder } from '../../src/db/migrations-folder.js';
import { closeDatabase, openDatabase } from '../../src/db/open-database.js';
import type { Db } from '../../src/db/types.js';
import { isUserError } from '../../src/errors.js';
import { tempDatabasePath } from './sample-experiment.js';

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));

function columnsOf(db: Db, table: string): string[] {
  const rows = db.$client.prepare(`PRAGMA table_info(${table})`).all() as { name: string }[];
  return rows.map((row) => row.name);
}

function tablesOf(db: Db): string[] {
  const rows = db.$client
    .prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
    .all() as { name: string }[];
  return rows.map((row) => row.name);
}

test('the shipped migrations create every table on :memory:', () => {
  const db = openDatabase(':memory:');
  assert.deepEqual(
    tablesOf(db).filter((name) => !name.startsWith('sqlite_')),
    [
      '__drizzle_migrations',
      'cases',
      'detached_jobs',
      'experiments',
      'jobs',
      'metrics',
      'review_requests',
      'revisions',
      'run_lock',
      'scores',
      'selections',
    ],
  );
  assert.equal(db.$client.pragma('foreign_keys', { simple: true }), 1);
  closeDatabase(db);
});

test('the tables have the columns the issue lists', () => {
  const db = openDatabase(':memory:');
  const expected: Record<string, string[]> = {
    experiments: ['id', 'name', 'kind', 'config', 'config_hash', 'code_version', 'model_hashes'],
    cases: ['experiment_id', 'case_id', 'role', 'image_path', 'label_path'],
    jobs: [
      'experiment_id',
      'key',
      'kind',
      'method',
      'seed',
      'budget',
      'status',
      'attempts',
      'wall_s',
      'cpu_s',
      'peak_rss_bytes',
      'disk_bytes',
      'exit_code',
      'reason',
      'message',
      'log_path',
      'external_id',
      'started_at',
      'finished_at',
      'output',
    ],
    scores: ['experiment_id', 'method', 'seed', 'case_id', 'organ', 'value', 'slices'],
    selections: ['experiment_id', 'method', 'seed', 'budget', 'case_id', 'rank'],
    metrics: ['experiment_id', 'method', 'seed', 'budget', 'case_id', 'organ', 'dsc', 'nsd'],
  };
  for (const [table, columns] of Object.entries(expected)) {
    const actual = columnsOf(db, table);
    for (const column of columns) assert.ok(actual.includes(column), `${table}.${column}`);
  }
  for (const column of ['engine_name', 'engine_version', 'created_at', 'status']) {
    assert.ok(columnsOf(db, 'experiments').includes(column), `experiments.${column}`);
  }
  closeDatabase(db);
});

test('a database file is created in WAL mode, and reopening applies nothing twice', () => {
  const path = tempDatabasePath();
  const first = openDatabase(path);
  assert.equal(first.$client.pragma('journal_mode', { simple: true }), 'wal');
  closeDatabase(first);
  const second = openDatabase(path);
  const applied = second.$client.prepare('SELECT count(*) AS n FROM __drizzle_migrations').get();
  assert.deepEqual(applied, {
    n: readdirSync(findMigrationsFolder()).filter((f) => f.endsWith('.sql')).length,
  });
  closeDatabase(second);
});

test('a read-only open reads a run and refuses a missing file', () => {
  const path = tempDatabasePath();
  closeDatabase(openDatabase(path));
  const reader = openDatabase(path, { readonly: true });
  assert.deepEqual(reader.$client.prepare('SELECT count(*) AS n FROM experiments').get(), { n: 0 });
  assert.throws(() => reader.$client.prepare('DELETE FROM experiments').run(), /readonly/);
  closeDatabase(reader);
  assert.throws(
    () => openDatabase(join(tmpdir(), 'no-such-run', 'sentinel.db'), { readonly: true }),
    (error) => isUserError(error) && /no experiment database/.test(error.message),
  );
});

test('a file that is not SQLite is a user error', () => {
  const path = tempDatabasePath();
  writeFileSync(path, 'this is a text file, not a database, and long enough to have a header\n');
  assert.throws(
    () => openDatabase(path),
    (error) => isUserError(error) && /is not an SQLite database/.test(error.message),
  );
});

test('the committed migrations match src/db/schema.ts (drizzle-kit generates nothing new)', async () => {
  const out = join(mkdtempSync(join(tmpdir(), 'sentinel-migrations-')), 'drizzle');
  cpSync(findMigrationsFolder(), out, { recursive: true });
  const before = readdirSync(out, { recursive: true }).sort();
  const result = await execa(
    process.execPath,
    [
      join(repoRoot, 'node_modules/drizzle-kit/bin.cjs'),
      'generate',
      '--dialect=sqlite',
      '--schema=./src/db/schema.ts',
      // drizzle-kit takes the output folder relative to the working directory.
      `--out=${relative(repoRoot, out)}`,
    ],
    { cwd: repoRoot, reject: false },
  );
  assert.equal(result.exitCode, 0, result.stderr);
  assert.deepEqual(readdirSync(out, { recursive: true }).sort(), before, result.stdout);
});
