import assert from 'node:assert/strict';
import { test } from 'node:test';
import { listCases, recordCases } from '../../src/db/cases.js';
import {
  listExperiments,
  setExperimentStatus,
  upsertExperiment,
} from '../../src/db/experiments.js';
import { summarizeJobCosts } from '../../src/db/job-costs.js';
import {
  findDoneJob,
  listJobs,
  markJobDone,
  markJobFailed,
  markJobRunning,
  planJobs,
} from '../../src/db/jobs.js';
import { insertMetrics, listMetrics } from '../../src/db/metrics.js';
import { closeDatabase, openDatabase } from '../../src/db/open-database.js';
import { BASELINE_BUDGET, BASELINE_METHOD, CASE_LEVEL_ORGAN } from '../../src/db/schema.js';
import { insertScores, listScores } from '../../src/db/scores.js';
import { listSelections, recordSelection } from '../../src/db/selections.js';
import type { Db } from '../../src/db/types.js';
import { isUserError } from '../../src/errors.js';
import { sampleExperiment, scoreRows } from './sample-experiment.js';

function count(db: Db, table: string): number {
  return (db.$client.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
}

function withExperiment(run: (db: Db, experimentId: number) => void): void {
  const db = openDatabase(':memory:');
  const { experiment } = upsertExperiment(db, sampleExperiment());
  const caseIds = ['case0000', 'case0001', 'case0002', 't0'];
  recordCases(
    db,
    experiment.id,
    caseIds.map((caseId) => ({
      caseId,
      role: caseId.startsWith('t') ? ('test' as const) : ('pool' as const),
      imagePath: `/data/${caseId}.nii.gz`,
      labelPath: `/data/${caseId}-label.nii.gz`,
    })),
  );
  try {
    run(db, experiment.id);
  } finally {
    closeDatabase(db);
  }
}

test('an experiment resumes with the same inputs and refuses different ones', () => {
  const db = openDatabase(':memory:');
  const first = upsertExperiment(db, sampleExperiment());
  assert.equal(first.state, 'new');
  setExperimentStatus(db, first.experiment.id, 'stopped');
  const again = upsertExperiment(db, sampleExperiment());
  assert.equal(again.state, 'resumed');
  assert.equal(again.experiment.id, first.experiment.id);
  assert.equal(again.experiment.status, 'running');
  assert.deepEqual(again.experiment.config, sampleExperiment().config);

  assert.throws(
    () => upsertExperiment(db, sampleExperiment({ configHash: 'other' })),
    (error) =>
      isUserError(error) &&
      error.exitCode === 2 &&
      /started with a different configuration/.test(error.message) &&
      /new --out .*--force/.test(error.hint ?? ''),
  );
  assert.throws(
    () => upsertExperiment(db, sampleExperiment({ modelHashes: { 'qs/model.onnx': 'bb22' } })),
    (error) => isUserError(error) && /model files/.test(error.message),
  );
  assert.equal(count(db, 'experiments'), 1);
  closeDatabase(db);
});

test('--force replaces an experiment and everything recorded under it', () => {
  withExperiment((db, experimentId) => {
    insertScores(db, scoreRows(experimentId, 'qs', 3, 2));
    const replaced = upsertExperiment(db, sampleExperiment({ configHash: 'other' }), {
      force: true,
    });
    assert.equal(replaced.state, 'replaced');
    assert.notEqual(replaced.experiment.id, experimentId);
    assert.deepEqual(
      listExperiments(db).map((e) => e.configHash),
      ['other'],
    );
    assert.equal(count(db, 'scores'), 0);
    assert.equal(count(db, 'cases'), 0);
  });
});

test('re-recording cases, scores, selections and metrics adds no rows', () => {
  withExperiment((db, experimentId) => {
    const scores = scoreRows(experimentId, 'qs', 3, 2);
    insertScores(db, scores);
    insertScores(db, scores);
    assert.equal(count(db, 'scores'), 9);
    insertScores(db, [{ ...scores[0]!, value: Number.NaN, slices: 10, worstSlice: 4 }]);
    const [first] = listScores(db, experimentId, { method: 'qs', organ: CASE_LEVEL_ORGAN });
    assert.deepEqual(
      { value: first?.value, slices: first?.slices, worstSlice: first?.worstSlice },
      { value: null, slices: 10, worstSlice: 4 },
    );

    const key = { experimentId, method: 'qs', seed: 0, budget: 2 };
    recordSelection(db, key, [
      { caseId: 'case0002', rank: 1, score: 0.1 },
      { caseId: 'case0000', rank: 2, score: 0.4 },
    ]);
    recordSelection(db, key, [
      { caseId: 'case0001', rank: 1, score: 0.05 },
      { caseId: 'case0002', rank: 2, score: 0.1 },
    ]);
    assert.deepEqual(
      listSelections(db, experimentId, { method: 'qs' }).map((s) => [s.rank, s.caseId]),
      [
        [1, 'case0001'],
        [2, 'case0002'],
      ],
    );

    const metric = { experimentId, seed: 0, caseId: 't0', organ: 'liver', dsc: 0.8, nsd: 0.7 };
    const rows = [
      { ...metric, method: BASELINE_METHOD, budget: BASELINE_BUDGET },
      { ...metric, method: 'qs', budget: 2 },
    ];
    insertMetrics(db, rows);
    insertMetrics(db, [...rows, { ...metric, method: 'qs', budget: 2, dsc: 0.9 }]);
    assert.equal(count(db, 'metrics'), 2);
    assert.equal(listMetrics(db, experimentId, { method: 'qs' })[0]?.dsc, 0.9);
    assert.equal(listMetrics(db, experimentId, { budget: 0 })[0]?.method, 'baseline');

    recordCases(db, experimentId, [{ caseId: 't0', role: 'test', imagePath: '/moved/t0.nii.gz' }]);
    assert.equal(count(db, 'cases'), 4);
    assert.equal(listCases(db, experimentId, 'test')[0]?.imagePath, '/moved/t0.nii.gz');
  });
});

test('a score for a case the experiment does not have is refused (foreign key)', () => {
  withExperiment((db, experimentId) => {
    assert.throws(
      () =>
        insertScores(db, [
          { experimentId, method: 'qs', seed: 0, caseId: 'nope', organ: '*', value: 1 },
        ]),
      /FOREIGN KEY/,
    );
  });
});

test('a job runs, fails, is retried and is recorded done with its results at once', () => {
  withExperiment((db, experimentId) => {
    const spec = { key: 'score/qs/seed0', kind: 'score', method: 'qs', seed: 0 };
    planJobs(db, experimentId, [spec, { key: 'train/m0', kind: 'train' }]);
    planJobs(db, experimentId, [spec]);
    assert.deepEqual(
      listJobs(db, experimentId).map((j) => [j.key, j.status]),
      [
        ['score/qs/seed0', 'pending'],
        ['train/m0', 'pending'],
      ],
    );

    const first = markJobRunning(db, experimentId, spec, { logPath: '/logs/a.log' });
    assert.equal(first.attempts, 1);
    const failed = markJobFailed(db, first.id, {
      reason: 'exit-code',
      exitCode: 3,
      message: 'boom',
    });
    assert.deepEqual([failed.status, failed.reason, failed.exitCode], ['failed', 'exit-code', 3]);
    assert.equal(findDoneJob(db, experimentId, spec.key), undefined);

    const second = markJobRunning(db, experimentId, spec, { executor: 'slurm', externalId: '42' });
    assert.deepEqual([second.attempts, second.reason, second.externalId], [2, null, '42']);
    const cost = { wallS: 2.5, cpuS: 4, peakRssBytes: 1e8, diskBytes: 5e6 };
    const done = markJobDone(db, second.id, { cost, output: { scores: 9 } }, (tx) =>
      insertScores(tx, scoreRows(experimentId, 'qs', 3, 2)),
    );
    assert.equal(done.status, 'done');
    assert.deepEqual(findDoneJob(db, experimentId, spec.key)?.output, { scores: 9 });
    assert.equal(count(db, 'scores'), 9);
    assert.throws(() => markJobRunning(db, experimentId, spec), /already done/);

    assert.deepEqual(summarizeJobCosts(db, experimentId), [
      { method: 'qs', kind: 'score', jobs: 1, ...cost },
    ]);
  });
});

test('results whose writing throws are not recorded, and the job stays not done', () => {
  withExperiment((db, experimentId) => {
    const job = markJobRunning(db, experimentId, { key: 'score/qs', kind: 'score', method: 'qs' });
    const cost = { wallS: 1, cpuS: 1, peakRssBytes: 1, diskBytes: 1 };
    assert.throws(() =>
      markJobDone(db, job.id, { cost }, (tx) => {
        insertScores(tx, scoreRows(experimentId, 'qs', 3, 2));
        throw new Error('disk full');
      }),
    );
    assert.equal(count(db, 'scores'), 0);
    assert.equal(listJobs(db, experimentId, { status: 'running' }).length, 1);
  });
});
