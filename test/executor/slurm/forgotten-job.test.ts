import assert from 'node:assert/strict';
import { readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import Database from 'better-sqlite3';
import { execa } from 'execa';
import { queryRun } from '../../experiment/tiny-config.js';
import { runSentinel, sentinelBin } from '../../run-cli.js';
import { slurmExperiment } from './slurm-experiment.js';
import { queuedUnder, slurmJobsUnder, useTestCluster } from './test-cluster.js';

const cluster = useTestCluster();

const FORGOTTEN_ID = '987654321';

// The pool prediction's Slurm job, made one that Slurm no longer knows (as past MinJobAge): its
// id, in the database and in the attempt folder that recorded it, becomes one Slurm never gave.
async function forgetPoolPrediction(out: string): Promise<void> {
  const jobs = join(out, 'jobs');
  const partial = (await readdir(jobs)).find((n) => n.startsWith('predict__pool__m0.partial-'));
  assert.ok(partial, 'the killed run left the attempt folder');
  await writeFile(join(jobs, partial, 'slurm', 'submit-0.id'), `${FORGOTTEN_ID}\n`);
  const db = new Database(join(out, 'sentinel.db'));
  db.prepare("update jobs set external_id = ? where key = 'predict/pool/m0'").run(FORGOTTEN_ID);
  db.close();
}

test('a job that ended while no orchestrator watched, and that Slurm has forgotten, is read from its recorded outputs, not run again', async (t) => {
  if (!cluster.ok) return t.skip(cluster.reason);
  const { dir, config } = await slurmExperiment('slurm-forgotten', {
    engineEnv: { WRAP_SLOW: '/shard-0/out:4' },
  });
  const out = join(dir, 'runs', 'f');
  const args = ['al-run', '--config', config, '--methods', 'random', '--seeds', '1'];
  const alRun = [...args, '--budget', '2', '--out', out];
  const first = execa(process.execPath, [sentinelBin, ...alRun], { env: cluster.env });
  for (let i = 0; i < 300; i++) {
    const jobs = await slurmJobsUnder(cluster.env, out);
    if (jobs.some((j) => j.name === 'sentinel:predict/pool/m0' && j.state === 'RUNNING')) break;
    await sleep(200);
  }
  first.kill('SIGKILL');
  await first.catch(() => {});
  for (let i = 0; i < 300 && (await queuedUnder(cluster.env, out)).length > 0; i++)
    await sleep(200);
  assert.deepEqual(await queuedUnder(cluster.env, out), [], 'the orphaned jobs ended');
  await forgetPoolPrediction(out);

  const second = await runSentinel(alRun, { env: cluster.env });
  assert.equal(second.exitCode, 0, second.stderr);
  const db = join(out, 'sentinel.db');
  const pool = queryRun(
    db,
    "select status, attempts, external_id from jobs where key = 'predict/pool/m0'",
  );
  assert.deepEqual(pool, [{ status: 'done', attempts: 1, external_id: FORGOTTEN_ID }]);
  const submissions = new Set(
    (await slurmJobsUnder(cluster.env, out))
      .filter((j) => j.name === 'sentinel:predict/pool/m0')
      .map((j) => j.submission),
  );
  assert.equal(submissions.size, 1, 'the pool prediction was submitted once');
  assert.ok(queryRun(db, 'select * from metrics').length > 0);
});
