import assert from 'node:assert/strict';
import { statSync } from 'node:fs';
import { test } from 'node:test';
import { findExperiment } from '../../src/db/experiments.js';
import { findJob, markJobDone, markJobRunning } from '../../src/db/jobs.js';
import { closeDatabase, openDatabase } from '../../src/db/open-database.js';
import { insertScores, listScores } from '../../src/db/scores.js';
import { startChild } from './run-child-process.js';
import { scoreRows, tempDatabasePath } from './sample-experiment.js';

const cases = 300;

test('a process SIGKILLed while recording a job leaves the earlier job and none of this one', async () => {
  const path = tempDatabasePath();
  const writer = await startChild(['write-until-killed', path, String(cases)], 'writing');
  // The uncommitted rows are on disk already (pages spilled to the WAL), not only in memory.
  assert.ok(statSync(`${path}-wal`).size > 1_000_000, 'the transaction reached the WAL file');
  writer.child.kill('SIGKILL');
  assert.equal(await writer.exited, 'SIGKILL');

  const db = openDatabase(path);
  assert.equal(db.$client.pragma('integrity_check', { simple: true }), 'ok');
  assert.deepEqual(db.$client.pragma('foreign_key_check'), []);
  const experiment = findExperiment(db, 'demo');
  assert.ok(experiment);
  assert.equal(listScores(db, experiment.id, { method: 'qs' }).length, cases * 4);
  assert.equal(listScores(db, experiment.id, { method: 'entropy' }).length, 0);
  assert.equal(findJob(db, experiment.id, 'score/qs')?.status, 'done');
  const interrupted = findJob(db, experiment.id, 'score/entropy');
  assert.equal(interrupted?.status, 'running');

  // Resuming redoes the interrupted job only, and ends with exactly one set of its rows.
  const retry = markJobRunning(db, experiment.id, { key: 'score/entropy', kind: 'score' });
  assert.equal(retry.attempts, 2);
  const cost = { wallS: 1, cpuS: 1, peakRssBytes: 1, diskBytes: 1 };
  markJobDone(db, retry.id, { cost }, (tx) =>
    insertScores(tx, scoreRows(experiment.id, 'entropy', cases, 100)),
  );
  assert.equal(listScores(db, experiment.id, { method: 'entropy' }).length, cases * 101);
  assert.equal(db.$client.pragma('integrity_check', { simple: true }), 'ok');
  closeDatabase(db);
});
