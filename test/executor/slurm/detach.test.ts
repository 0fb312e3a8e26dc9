import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { execa } from 'execa';
import { queryRun } from '../../experiment/tiny-config.js';
import { runSentinel, sentinelBin } from '../../run-cli.js';
import { runResults, slurmExperiment } from './slurm-experiment.js';
import { queuedUnder, slurmJobsUnder, useTestCluster } from './test-cluster.js';

const cluster = useTestCluster();

const alRun = (config: string, out: string, ...extra: string[]) => [
  ...['al-run', '--config', config, '--methods', 'random,entropy,oracle'],
  ...['--seeds', '1', '--budget', '2', '--rounds', '2', '--out', out, ...extra],
];

type Detached = { key: string; slurm_id: string; depends_on: string };

test('a detached run, its follower killed, followed again to the end: the results of an attached run, each job run once', async (t) => {
  if (!cluster.ok) return t.skip(cluster.reason);
  const { dir, config, localConfig } = await slurmExperiment('detach');
  const out = join(dir, 'runs', 'detached');
  const local = await runSentinel(alRun(localConfig, join(dir, 'runs', 'local')));
  assert.equal(local.exitCode, 0, local.stderr);

  const detach = await runSentinel(alRun(config, out, '--detach'), { env: cluster.env });
  assert.equal(detach.exitCode, 0, detach.stderr);
  assert.match(detach.stderr, /detached: \d+ job\(s\) queued on Slurm now/);
  const db = join(out, 'sentinel.db');
  const queued = queryRun<Detached>(db, 'select key, slurm_id, depends_on from detached_jobs');
  const idOf = new Map(queued.map((j) => [j.key, j.slurm_id]));
  const dependsOn = (key: string) => queued.find((j) => j.key === key)?.depends_on.split(',');
  // The whole plan is queued at once, chained: a score waits for the pool prediction (and the
  // probabilities it reads); a fine-tune for M0 and the scores its selection reads.
  assert.equal(queued.length, Number(/(\d+) job\(s\) queued/.exec(detach.stderr)?.[1]));
  assert.deepEqual(dependsOn('train/m0'), ['']);
  assert.deepEqual(dependsOn('score/entropy/m0'), [
    idOf.get('predict/pool/m0'),
    idOf.get('predict/pool-probabilities/m0'),
  ]);
  const finetune = dependsOn('finetune/entropy/seed=0/budget=2') ?? [];
  for (const input of ['train/m0', 'score/entropy/m0'])
    assert.ok(finetune.includes(idOf.get(input)!), `the fine-tune waits for ${input}`);
  assert.ok(
    queued.some((j) => j.key.endsWith('/round=2')),
    'round 2 queued too',
  );

  // The same command with --detach again queues nothing twice.
  const again = await runSentinel(alRun(config, out, '--detach'), { env: cluster.env });
  assert.equal(again.exitCode, 0, again.stderr);
  assert.match(again.stderr, /detached: 0 job\(s\) queued on Slurm now, [1-9]\d* queued before/);
  // --force may not discard the run while its queued jobs would still write into it.
  const force = await runSentinel(alRun(config, out, '--force'), { env: cluster.env });
  assert.equal(force.exitCode, 2, force.stderr);
  assert.match(
    force.stderr,
    /--force would discard .* while \d+ job\(s\) that --detach queued there still run on Slurm/,
  );
  assert.match(force.stderr, /scancel \d+/);

  // A follower killed while it follows: the jobs run on.
  const follower = execa(process.execPath, [sentinelBin, ...alRun(config, out)], {
    env: cluster.env,
    reject: false,
  });
  for await (const line of follower.stderr!) if (/detached run on Slurm/.test(`${line}`)) break;
  follower.kill('SIGKILL');
  await follower;
  assert.ok((await queuedUnder(cluster.env, out)).length > 0, 'the jobs outlive the follower');

  const follow = await runSentinel(alRun(config, out), { env: cluster.env });
  assert.equal(follow.exitCode, 0, follow.stderr);
  assert.match(follow.stderr, /detached run on Slurm: (\d+) of \1 jobs done, 0 running, 0 waiting/);
  assert.match(follow.stdout, /oracle/, 'the comparison table');
  assert.deepEqual(runResults(db), runResults(join(dir, 'runs', 'local', 'sentinel.db')));

  // Every job ran once, inside the Slurm job queued for it, metered there.
  const jobs = queryRun<{
    key: string;
    status: string;
    attempts: number;
    executor: string;
    external_id: string;
    cpu_s: number;
  }>(db, 'select key, status, attempts, executor, external_id, cpu_s from jobs');
  assert.equal(jobs.length, queued.length);
  for (const job of jobs) {
    assert.equal(job.status, 'done', job.key);
    assert.equal(job.attempts, 1, job.key);
    assert.equal(job.executor, 'slurm-detached', job.key);
    assert.equal(job.external_id, idOf.get(job.key), job.key);
    assert.ok(job.cpu_s > 0, `${job.key} metered`);
  }
  const slurmJobs = await slurmJobsUnder(cluster.env, out);
  assert.equal(slurmJobs.length, queued.length, 'one Slurm job per job, none resubmitted');
  assert.ok(slurmJobs.every((j) => j.state === 'COMPLETED'));
});

test('a detached job that fails: Slurm cancels the jobs that need it, before they run; the follower reports it, the rest is done', async (t) => {
  if (!cluster.ok) return t.skip(cluster.reason);
  const { dir, config } = await slurmExperiment('detach-fail', {
    engineEnv: {
      WRAP_FAIL: 'finetune__entropy__seed-0__budget-2.partial:always',
      WRAP_STATE: '{jobdir}/..',
    },
  });
  const out = join(dir, 'runs', 'f');
  const args = [
    ...['al-run', '--config', config, '--methods', 'random,entropy', '--seeds', '1'],
    ...['--budget', '2', '--out', out],
  ];
  const detach = await runSentinel([...args, '--detach'], { env: cluster.env });
  assert.equal(detach.exitCode, 0, detach.stderr);
  const follow = await runSentinel(args, { env: cluster.env });
  assert.equal(follow.exitCode, 1, follow.stderr);
  assert.match(follow.stderr, /1 job\(s\) failed:\n {2}finetune\/entropy\/seed=0\/budget=2: /);
  assert.match(follow.stderr, /skipped because of them: 1 job\(s\)/);
  assert.deepEqual(await queuedUnder(cluster.env, out), [], 'nothing left waiting in the queue');

  const db = join(out, 'sentinel.db');
  const states = new Map((await slurmJobsUnder(cluster.env, out)).map((j) => [j.name, j.state]));
  for (const key of ['predict/test/entropy/seed=0/budget=2', 'evaluate/entropy/seed=0/budget=2']) {
    assert.equal(states.get(`sentinel:${key}`), 'CANCELLED', `${key} cancelled by Slurm`);
    assert.deepEqual(queryRun(db, `select key from jobs where key = '${key}'`), [], 'never ran');
  }
  assert.equal(states.get('sentinel:finetune/entropy/seed=0/budget=2'), 'FAILED');
  assert.equal(states.get('sentinel:evaluate/random/seed=0/budget=2'), 'COMPLETED');
  const methods = queryRun<{ method: string }>(
    db,
    'select distinct method from metrics order by 1',
  );
  assert.deepEqual(
    methods.map((m) => m.method),
    ['baseline', 'labeled-only', 'random'],
  );
});
