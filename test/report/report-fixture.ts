// A real run folder for the report tests: a SQLite database written through src/db (experiment,
// cases, jobs with costs, metrics, scores incl. the oracle) and, for the worklist thumbnails, a
// small phantom dataset and a pool predict job folder whose masks are damaged ground truth.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { recordCases } from '../../src/db/cases.js';
import { setExperimentStatus, upsertExperiment } from '../../src/db/experiments.js';
import {
  type JobSpec,
  markJobDone,
  markJobFailed,
  markJobRunning,
  planJobs,
} from '../../src/db/jobs.js';
import { insertMetrics } from '../../src/db/metrics.js';
import { closeDatabase, openDatabase } from '../../src/db/open-database.js';
import { runDatabasePath } from '../../src/db/run-database.js';
import { BASELINE_METHOD } from '../../src/db/schema.js';
import { insertScores } from '../../src/db/scores.js';
import type { Db } from '../../src/db/types.js';
import { type DemoDataset, makeDemoDataset } from '../../src/phantom/index.js';
import { DICE, testMetrics } from './report-fixture-metrics.js';
import {
  SEEDS,
  poolScores,
  recordPoolSelections,
  writePseudoLabels,
} from './report-fixture-pool.js';

export { ORGANS, SEEDS, TRUE_DICE } from './report-fixture-pool.js';
export { DICE } from './report-fixture-metrics.js';

// Wall seconds of each job (CPU = 0.9 x wall, peak RSS = 1e8 x wall bytes, disk = 1e6 x wall).
// Keys and recorded fields as src/experiment/plan-experiment.ts writes them (shared M0).
export const WALL = {
  m0: 100,
  pseudoLabels: 20,
  probabilities: 30,
  // Deterministic methods score once (no seed); random once per seed.
  score: { qs: 12, entropy: 2, random: 0.5, oracle: 3 },
  finetune: 40,
  predictTest: 5,
  evaluate: 1,
};

export interface FixtureOptions {
  name?: string;
  budgets?: number[];
  // Leave the run unfinished: a failed and a pending job, status 'running'.
  unfinished?: boolean;
  // Record the oracle's scores (true Dice) of the pool.
  oracle?: boolean;
  // Record nothing but the experiment and its cases.
  empty?: boolean;
}

// Temporary folders made for the tests of this process, removed when it exits.
const made: string[] = [];
process.once('exit', () => {
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
});

// A fresh temporary folder, removed when the test process exits.
export function tempFolder(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  made.push(dir);
  return dir;
}

// A demo dataset shared by the tests of one process (1 labeled, 3 pool, 2 test phantoms, 32^3).
let dataset: Promise<DemoDataset> | undefined;
export function fixtureDataset(): Promise<DemoDataset> {
  dataset ??= makeDemoDataset({
    out: join(tempFolder('report-data-'), 'demo'),
    labeled: 1,
    pool: 3,
    test: 2,
    seed: 3,
    size: [32, 32, 32],
  });
  return dataset;
}

// Makes a run folder with a finished (or, as asked, unfinished or empty) AL experiment.
export async function makeReportRun(options: FixtureOptions = {}): Promise<string> {
  const data = await fixtureDataset();
  const runDir = join(tempFolder('report-run-'), options.name ?? 'demo');
  const budgets = options.budgets ?? [1, 2];
  const db = openDatabase(runDatabasePath(runDir));
  try {
    const methods = ['qs', 'entropy', 'random', ...(options.oracle === false ? [] : ['oracle'])];
    const { experiment } = upsertExperiment(db, {
      name: options.name ?? 'demo',
      kind: 'al',
      config: {
        name: 'demo',
        data: { demo: { labeled: 1, pool: 3, test: 2 } },
        methods,
        seeds: 3,
        al: { budgets },
      },
      configHash: 'c0ffee0123456789',
      codeVersion: '0.1.0',
      modelHashes: { 'qs/model.onnx': 'ab12cd34ef56ab78' },
      engineName: 'reference',
      engineVersion: '1',
    });
    const id = experiment.id;
    recordCases(db, id, [
      ...data.labeled.map((c) => ({
        caseId: c.id,
        role: 'labeled' as const,
        imagePath: c.image,
        labelPath: c.label,
      })),
      ...data.pool.map((c) => ({
        caseId: c.id,
        role: 'pool' as const,
        imagePath: c.image,
        labelPath: c.label,
      })),
      ...data.test.map((c) => ({
        caseId: c.id,
        role: 'test' as const,
        imagePath: c.image,
        labelPath: c.label,
      })),
    ]);
    if (options.empty) return runDir;
    doneJob(db, id, { key: 'train/m0', kind: 'train', method: BASELINE_METHOD }, WALL.m0, {
      checkpoint: 'checkpoint',
    });
    await writePseudoLabels(runDir, data);
    doneJob(
      db,
      id,
      { key: 'predict/pool/m0', kind: 'predict', method: 'pseudo-labels' },
      WALL.pseudoLabels,
      {
        cases: Object.fromEntries(data.pool.map((c) => [c.id, { mask: `out/${c.id}.nii.gz` }])),
      },
    );
    doneJob(
      db,
      id,
      { key: 'predict/test/m0', kind: 'predict', method: BASELINE_METHOD },
      WALL.predictTest,
      {},
    );
    doneJob(
      db,
      id,
      {
        key: 'evaluate/baseline/m0',
        kind: 'evaluate',
        method: BASELINE_METHOD,
        seed: 0,
        budget: 0,
      },
      WALL.evaluate,
      {},
    );
    doneJob(
      db,
      id,
      { key: 'predict/pool-probabilities/m0', kind: 'predict', method: 'entropy' },
      WALL.probabilities,
      {},
    );
    for (const [method, wall] of Object.entries(WALL.score)) {
      if (method === 'oracle' && options.oracle === false) continue;
      for (const seed of method === 'random' ? SEEDS : [null]) {
        const key = `score/${method}/m0${seed === null ? '' : `/seed=${seed}`}`;
        doneJob(db, id, { key, kind: 'score', method, seed }, wall, {});
      }
    }
    const scores = poolScores(id, data, options.oracle !== false);
    insertScores(db, scores);
    recordPoolSelections(db, id, scores, budgets);
    insertMetrics(db, testMetrics(id, data, budgets, options.unfinished === true));
    for (const [method, perBudget] of Object.entries(DICE)) {
      if (method === BASELINE_METHOD) continue;
      for (const budget of budgets) {
        for (const seed of SEEDS) {
          if (perBudget[budget] === undefined) continue;
          const spec = { method, seed, budget };
          doneJob(
            db,
            id,
            { key: `finetune/${method}/seed=${seed}/budget=${budget}`, kind: 'train', ...spec },
            WALL.finetune,
            {},
          );
          doneJob(
            db,
            id,
            {
              key: `predict/test/${method}/seed=${seed}/budget=${budget}`,
              kind: 'predict',
              ...spec,
            },
            WALL.predictTest,
            {},
          );
          if (options.unfinished && method === 'random' && seed === 2 && budget === 2) continue;
          doneJob(
            db,
            id,
            { key: `evaluate/${method}/seed=${seed}/budget=${budget}`, kind: 'evaluate', ...spec },
            WALL.evaluate,
            {},
          );
        }
      }
    }
    if (options.unfinished) {
      const failed = markJobRunning(db, id, {
        key: 'finetune/entropy/seed=9/budget=2',
        kind: 'train',
        method: 'entropy',
        seed: 9,
        budget: 2,
      });
      markJobFailed(db, failed.id, {
        reason: 'exit-code',
        message: 'engine exited with code 1',
        exitCode: 1,
      });
      planJobs(db, id, [
        {
          key: 'evaluate/random/seed=2/budget=2',
          kind: 'evaluate',
          method: 'random',
          seed: 2,
          budget: 2,
        },
      ]);
    } else {
      setExperimentStatus(db, id, 'done');
    }
    return runDir;
  } finally {
    closeDatabase(db);
  }
}

function doneJob(db: Db, experimentId: number, spec: JobSpec, wall: number, output: unknown): void {
  const job = markJobRunning(db, experimentId, spec);
  markJobDone(db, job.id, {
    cost: { wallS: wall, cpuS: 0.9 * wall, peakRssBytes: 1e8 * wall, diskBytes: 1e6 * wall },
    output,
  });
}
