// A small program the database tests run as a separate process:
//   write-until-killed DB N : records job "score/qs" done with N cases' scores, then starts
//                             recording job "score/entropy" (N x 100 rows, one transaction),
//                             prints "writing" in the middle of it and blocks until killed.
//   record-jobs DB          : records jobs job/1, job/2, ... done, each with 1200 score rows in
//                             its done transaction, printing "done job/N" after each commit,
//                             until killed; a restart goes on after the last done job.
//   hold-lock DB            : takes the run lock, prints "locked", waits until killed.
//   lock-and-exit DB        : takes the run lock and exits normally.
//   hold-write DB           : opens a write transaction, prints "holding", commits after 1 s.
import { writeSync } from 'node:fs';
import { recordCases } from '../../src/db/cases.js';
import { upsertExperiment } from '../../src/db/experiments.js';
import { markJobDone, markJobRunning } from '../../src/db/jobs.js';
import { openDatabase } from '../../src/db/open-database.js';
import { acquireRunLock } from '../../src/db/run-lock.js';
import { insertScores } from '../../src/db/scores.js';
import { sampleExperiment, scoreRows } from './sample-experiment.js';

const [mode, path, count] = process.argv.slice(2);
if (path === undefined) throw new Error('usage: db-child-process MODE DB [N]');
const db = openDatabase(path);
const say = (line: string): void => {
  writeSync(1, `${line}\n`);
};
const sleep = (ms: number): void => {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
};

const cost = { wallS: 1, cpuS: 1, peakRssBytes: 1, diskBytes: 1 };

if (mode === 'write-until-killed') {
  const n = Number(count);
  // A small page cache, so the open transaction spills pages into the WAL file before it commits.
  db.$client.pragma('cache_size = -256');
  const { experiment } = upsertExperiment(db, sampleExperiment());
  const caseIds = Array.from({ length: n }, (_, c) => `case${String(c).padStart(4, '0')}`);
  recordCases(
    db,
    experiment.id,
    caseIds.map((caseId) => ({ caseId, role: 'pool', imagePath: `${caseId}.nii.gz` })),
  );
  const qs = markJobRunning(db, experiment.id, { key: 'score/qs', kind: 'score', method: 'qs' });
  markJobDone(db, qs.id, { cost }, (tx) => insertScores(tx, scoreRows(experiment.id, 'qs', n, 3)));
  say('committed');
  const entropy = markJobRunning(db, experiment.id, {
    key: 'score/entropy',
    kind: 'score',
    method: 'entropy',
  });
  markJobDone(db, entropy.id, { cost }, (tx) => {
    insertScores(tx, scoreRows(experiment.id, 'entropy', n, 100));
    say('writing');
    sleep(60_000);
    throw new Error('was not killed');
  });
} else if (mode === 'record-jobs') {
  recordJobsUntilKilled();
} else if (mode === 'hold-lock') {
  acquireRunLock(db);
  say('locked');
  setInterval(() => {}, 1000);
} else if (mode === 'lock-and-exit') {
  acquireRunLock(db);
} else if (mode === 'hold-write') {
  db.$client.prepare('BEGIN IMMEDIATE').run();
  db.$client.prepare('CREATE TABLE IF NOT EXISTS held (x)').run();
  say('holding');
  sleep(1000);
  db.$client.prepare('COMMIT').run();
} else {
  throw new Error(`unknown mode ${mode}`);
}

function recordJobsUntilKilled(): void {
  const found = upsertExperiment(db, sampleExperiment()).experiment;
  const caseIds = Array.from({ length: 300 }, (_, c) => `case${String(c).padStart(4, '0')}`);
  recordCases(
    db,
    found.id,
    caseIds.map((caseId) => ({ caseId, role: 'pool', imagePath: `${caseId}.nii.gz` })),
  );
  say('ready');
  for (let n = 1; ; n++) {
    const key = `job/${n}`;
    const recorded = db.$client
      .prepare("SELECT status FROM jobs WHERE key = ? AND status = 'done'")
      .get(key);
    if (recorded !== undefined) continue;
    const job = markJobRunning(db, found.id, { key, kind: 'score', method: `m${n}` });
    markJobDone(db, job.id, { cost }, (tx) =>
      insertScores(tx, scoreRows(found.id, `m${n}`, 300, 3)),
    );
    say(`done ${key}`);
  }
}
