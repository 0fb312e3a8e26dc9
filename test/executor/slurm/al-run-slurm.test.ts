import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { queryRun } from '../../experiment/tiny-config.js';
import { runSentinel } from '../../run-cli.js';
import { runResults, slurmExperiment } from './slurm-experiment.js';
import { slurmJobsUnder, useTestCluster } from './test-cluster.js';

const cluster = useTestCluster();

test('al-run through Slurm gives the same metrics as the local run with the same seeds', async (t) => {
  if (!cluster.ok) return t.skip(cluster.reason);
  const { dir, config, localConfig } = await slurmExperiment('al-run-slurm');
  const args = (cfg: string, out: string) => [
    'al-run',
    '--config',
    cfg,
    '--methods',
    'random,entropy,mc-dropout,oracle',
    '--seeds',
    '1',
    '--budget',
    '2',
    // Round 2 re-predicts the rest of the pool (4 cases: 2 array tasks) with each method's model.
    '--rounds',
    '2',
    '--out',
    join(dir, 'runs', out),
  ];
  const local = await runSentinel(args(localConfig, 'local'));
  assert.equal(local.exitCode, 0, local.stderr);
  const slurm = await runSentinel(args(config, 'slurm'), { env: cluster.env });
  assert.equal(slurm.exitCode, 0, slurm.stderr);

  const slurmDb = join(dir, 'runs', 'slurm', 'sentinel.db');
  const expected = runResults(join(dir, 'runs', 'local', 'sentinel.db'));
  const got = runResults(slurmDb);
  assert.ok(expected.metrics.length > 0);
  assert.deepEqual(got.metrics, expected.metrics, 'same Dice and NSD per case and organ');
  assert.deepEqual(got.scores, expected.scores, 'same scores');
  assert.deepEqual(got.selections, expected.selections, 'same selections');

  // Every job ran as a Slurm job, recorded with its id and the cost measured inside the job.
  const jobs = queryRun<{
    key: string;
    status: string;
    executor: string;
    external_id: string;
    wall_s: number;
    cpu_s: number;
    peak_rss_bytes: number;
  }>(slurmDb, 'select * from jobs');
  for (const job of jobs) {
    assert.equal(job.status, 'done', job.key);
    assert.equal(job.executor, 'slurm', job.key);
    assert.match(job.external_id, /^\d+$/, job.key);
    assert.ok(job.wall_s > 0 && job.cpu_s > 0 && job.peak_rss_bytes > 10e6, `${job.key} metered`);
  }
  // The pool's 6 cases were predicted and scored as arrays of 3 tasks; training was one job.
  const runDir = join(dir, 'runs', 'slurm');
  const slurmJobs = await slurmJobsUnder(cluster.env, runDir);
  const tasksOf = (name: string) => slurmJobs.filter((j) => j.name === `sentinel:${name}`);
  assert.equal(tasksOf('predict/pool/m0').length, 3);
  assert.equal(tasksOf('score/entropy/m0').length, 3);
  assert.equal(tasksOf('train/m0').length, 1);
  assert.equal(
    new Set(slurmJobs.map((j) => j.submission)).size,
    jobs.length,
    'one submission per job',
  );
  assert.ok(slurmJobs.every((j) => j.state === 'COMPLETED'));
  const output = JSON.parse(
    await readFile(join(runDir, 'jobs', 'predict__pool__m0', 'slurm', 'submit-0.json'), 'utf8'),
  ) as unknown[];
  assert.equal(output.length, 3, 'three array tasks in one submission');
  // Round 2: entropy's model predicted the 4 cases left of the pool as 2 array tasks.
  const round2 = join(runDir, 'jobs', 'predict__pool__entropy__seed-0__budget-2__round-2');
  const round2Tasks = JSON.parse(
    await readFile(join(round2, 'slurm', 'submit-0.json'), 'utf8'),
  ) as unknown[];
  assert.equal(round2Tasks.length, 2, 'two array tasks in one submission');
});
