import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { hostname } from 'node:os';
import { test } from 'node:test';
import { listExperiments, upsertExperiment } from '../../src/db/experiments.js';
import { closeDatabase, openDatabase } from '../../src/db/open-database.js';
import { readProcessStart } from '../../src/db/process-liveness.js';
import { acquireRunLock } from '../../src/db/run-lock.js';
import { runLock } from '../../src/db/schema.js';
import type { Db } from '../../src/db/types.js';
import { isUserError } from '../../src/errors.js';
import { runChild, startChild } from './run-child-process.js';
import { sampleExperiment, tempDatabasePath } from './sample-experiment.js';

function lockHolder(db: Db) {
  return db.select().from(runLock).get();
}

// The pid of a process that has ended (and been reaped).
function deadPid(): number {
  const result = spawnSync(process.execPath, ['-e', '']);
  assert.ok(result.pid > 0);
  return result.pid;
}

test('a second process is refused while the holder lives, and takes over once it is killed', async () => {
  const path = tempDatabasePath();
  const setup = openDatabase(path);
  upsertExperiment(setup, sampleExperiment());
  closeDatabase(setup);

  const holder = await startChild(['hold-lock', path], 'locked');
  const db = openDatabase(path);
  // A reader needs no lock.
  assert.equal(listExperiments(db).length, 1);
  assert.throws(
    () => acquireRunLock(db),
    (error) =>
      isUserError(error) &&
      error.exitCode === 2 &&
      error.message ===
        `another process (pid ${holder.pid}) is running this experiment; wait for it or stop it`,
  );

  holder.child.kill('SIGKILL');
  await holder.exited;
  const lock = acquireRunLock(db);
  assert.equal(lockHolder(db)?.pid, process.pid);
  lock.release();
  assert.equal(lockHolder(db), undefined);
  closeDatabase(db);
});

test('a process that exits normally gives the lock back', async () => {
  const path = tempDatabasePath();
  closeDatabase(openDatabase(path));
  assert.equal(await runChild(['lock-and-exit', path]), 0);
  const db = openDatabase(path);
  assert.equal(lockHolder(db), undefined);
  closeDatabase(db);
});

test('a lock left by a dead process, or by a reused pid, is taken over', () => {
  const db = openDatabase(':memory:');
  const stale = { id: 1, hostname: hostname(), acquiredAt: '2026-01-01T00:00:00Z' };
  for (const left of [
    { pid: deadPid(), processStart: null },
    // Our own pid, recorded by an earlier process that had it (a restarted container).
    ...(readProcessStart(process.pid) === undefined
      ? []
      : [{ pid: process.pid, processStart: '1' }]),
  ]) {
    db.delete(runLock).run();
    db.insert(runLock)
      .values({ ...stale, ...left })
      .run();
    const lock = acquireRunLock(db);
    assert.equal(lockHolder(db)?.processStart, readProcessStart(process.pid) ?? null);
    lock.release();
  }
  closeDatabase(db);
});

test('a lock held on another host is refused unless taken over explicitly', () => {
  const db = openDatabase(':memory:');
  db.insert(runLock)
    .values({ id: 1, pid: 4242, hostname: 'node-17', acquiredAt: '2026-01-01T00:00:00Z' })
    .run();
  assert.throws(
    () => acquireRunLock(db, { takeOverHint: 'rerun with --take-over' }),
    (error) =>
      isUserError(error) &&
      /another process \(pid 4242 on host node-17\) is running this experiment/.test(
        error.message,
      ) &&
      /rerun with --take-over/.test(error.hint ?? ''),
  );
  const lock = acquireRunLock(db, { takeOver: true });
  assert.equal(lockHolder(db)?.pid, process.pid);
  lock.release();
  closeDatabase(db);
});

test("a writer waits for another process's write transaction instead of failing", async () => {
  const path = tempDatabasePath();
  closeDatabase(openDatabase(path));
  const other = await startChild(['hold-write', path], 'holding');
  const db = openDatabase(path);
  const { experiment } = upsertExperiment(db, sampleExperiment());
  assert.equal(experiment.name, 'demo');
  assert.equal(await other.exited, 0);
  assert.equal(db.$client.pragma('integrity_check', { simple: true }), 'ok');
  closeDatabase(db);
});
