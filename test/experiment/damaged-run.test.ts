import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, openSync, statSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import Database from 'better-sqlite3';
import { runSentinel } from '../run-cli.js';
import { queryRun, tinyExperiment } from './tiny-config.js';

const METRICS =
  'select method, seed, budget, case_id, organ, dsc, nsd from metrics order by method, seed, budget, case_id, organ';

function assertClear(result: { exitCode: number; stderr: string }, pattern: RegExp): void {
  assert.equal(result.exitCode, 1, result.stderr);
  assert.match(result.stderr, pattern);
  assert.doesNotMatch(result.stderr, /internal error|\n\s+at /, 'no stack trace');
}

// Overwrites 8 KiB in the middle of a run's database (after moving the WAL into it).
function damage(db: string): void {
  const client = new Database(db);
  client.pragma('wal_checkpoint(TRUNCATE)');
  client.close();
  const fd = openSync(db, 'r+');
  const garbage = Buffer.alloc(8192, 0x5a);
  writeSync(fd, garbage, 0, garbage.length, Math.floor(statSync(db).size / 2 / 4096) * 4096);
}

test('a damaged sentinel.db is a clear error for al-run, --force and report; following the hint ends like a clean run', async () => {
  const { dir, config } = await tinyExperiment('damaged-db');
  const args = ['al-run', '--config', config, '--methods', 'random', '--seeds', '1'];
  args.push('--budget', '2');
  const clean = join(dir, 'clean');
  assert.equal((await runSentinel([...args, '--out', clean])).exitCode, 0);
  const run = join(dir, 'damaged');
  cpSync(clean, run, { recursive: true });
  const db = join(run, 'sentinel.db');
  damage(db);

  const found = /error: the database .*damaged\/sentinel\.db is damaged/;
  assertClear(await runSentinel(['report', '--run', run]), found);
  assertClear(await runSentinel([...args, '--out', run, '--force']), found);
  const resumed = await runSentinel([...args, '--out', run]);
  assertClear(resumed, found);

  // The hint's commands, pasted into a shell, keep the damaged files aside.
  const hint = /hint: .*?: (mkdir .*?) ; then run/.exec(resumed.stderr)?.[1];
  assert.ok(hint, resumed.stderr);
  assert.equal(spawnSync('sh', ['-c', hint]).status, 0);
  const again = await runSentinel([...args, '--out', run]);
  assert.equal(again.exitCode, 0, again.stderr);
  assert.deepEqual(queryRun(db, METRICS), queryRun(join(clean, 'sentinel.db'), METRICS));
  assert.equal((await runSentinel(['report', '--run', run, '--out', join(dir, 'r')])).exitCode, 0);
});
