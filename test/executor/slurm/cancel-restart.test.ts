import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { execa } from 'execa';
import { queryRun } from '../../experiment/tiny-config.js';
import { runSentinel, sentinelBin } from '../../run-cli.js';
import { slurmExperiment } from './slurm-experiment.js';
import { queuedUnder, slurmJobsUnder, useTestCluster } from './test-cluster.js';

const cluster = useTestCluster();

const alRun = (config: string, out: string) => [
  'al-run',
  '--config',
  config,
  '--methods',
  'random,entropy',
  '--seeds',
  '1',
  '--budget',
  '2',
  '--out',
  out,
];

// Waits until a Slurm job (or array task) named sentinel:NAME runs with its folder under `dir`.
async function waitRunning(env: Record<string, string>, dir: string, name: string) {
  for (let i = 0; i < 300; i++) {
    const jobs = await slurmJobsUnder(env, dir);
    if (jobs.some((j) => j.name === `sentinel:${name}` && j.state === 'RUNNING')) return;
    await sleep(200);
  }
  throw new Error(`no running Slurm job ${name} after 60 s`);
}

test('Ctrl-C cancels everything the run submitted: nothing left in squeue', async (t) => {
  if (!cluster.ok) return t.skip(cluster.reason);
  const { dir, config } = await slurmExperiment('slurm-cancel', {
    engineEnv: { WRAP_SLOW: 'train__m0:60' },
  });
  const out = join(dir, 'runs', 'c');
  const run = execa(process.execPath, [sentinelBin, ...alRun(config, out)], {
    env: cluster.env,
    reject: false,
  });
  await waitRunning(cluster.env, out, 'train/m0');
  run.kill('SIGINT');
  const result = await run;
  assert.equal(result.exitCode, 130, result.stderr);
  assert.match(result.stderr, /interrupted by SIGINT: .*every started process was stopped/);
  assert.deepEqual(await queuedUnder(cluster.env, out), [], 'nothing of the run left in squeue');
  const jobs = await slurmJobsUnder(cluster.env, out);
  assert.deepEqual(
    jobs.map((j) => j.state),
    ['CANCELLED'],
  );
  const rows = queryRun<{ status: string; reason: string }>(
    join(out, 'sentinel.db'),
    "select status, reason from jobs where key = 'train/m0'",
  );
  assert.deepEqual(rows, [{ status: 'failed', reason: 'cancelled' }]);
});

test('a restarted run re-attaches to the jobs a killed one left running: no duplicate submission', async (t) => {
  if (!cluster.ok) return t.skip(cluster.reason);
  const { dir, config } = await slurmExperiment('slurm-restart', {
    engineEnv: { WRAP_SLOW: '/shard-0/out:6' },
  });
  const out = join(dir, 'runs', 'k');
  const first = execa(process.execPath, [sentinelBin, ...alRun(config, out)], {
    env: cluster.env,
    reject: false,
  });
  await waitRunning(cluster.env, out, 'predict/pool/m0');
  first.kill('SIGKILL');
  await first;
  assert.ok((await queuedUnder(cluster.env, out)).length > 0, 'the array job outlives the run');

  const second = await runSentinel(alRun(config, out), { env: cluster.env });
  assert.equal(second.exitCode, 0, second.stderr);
  const db = join(out, 'sentinel.db');
  const jobs = queryRun<{ key: string; status: string }>(db, 'select key, status from jobs');
  assert.ok(jobs.length > 0);
  for (const job of jobs) assert.equal(job.status, 'done', job.key);
  // Each job was submitted once, the pool prediction included (re-attached, not resubmitted).
  const submissions = new Map<string, Set<string>>();
  for (const j of await slurmJobsUnder(cluster.env, out))
    submissions.set(j.name, (submissions.get(j.name) ?? new Set()).add(j.submission));
  assert.equal(submissions.size, jobs.length);
  for (const [name, ids] of submissions) assert.equal(ids.size, 1, `${name} submitted once`);
  const pool = queryRun<{ attempts: number }>(
    db,
    "select attempts from jobs where key = 'predict/pool/m0'",
  );
  assert.deepEqual(pool, [{ attempts: 1 }]);
  assert.ok(queryRun(db, 'select * from metrics').length > 0);
});
