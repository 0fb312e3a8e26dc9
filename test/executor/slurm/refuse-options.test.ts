import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { queryRun } from '../../experiment/tiny-config.js';
import { runSentinel } from '../../run-cli.js';
import { slurmExperiment } from './slurm-experiment.js';
import { slurmJobsUnder, useTestCluster } from './test-cluster.js';

const cluster = useTestCluster();

for (const [option, value, said] of [
  ['partition', 'no-such-partition', /invalid partition/i],
  ['gres', 'gpu:7', /gres/i],
] as const) {
  test(`a wrong ${option} is refused once, up front any job is submitted`, async (t) => {
    if (!cluster.ok) return t.skip(cluster.reason);
    const { dir, config } = await slurmExperiment(`refuse-${option}`, {
      executor: `, ${option}: ${JSON.stringify(value)}`,
    });
    const out = join(dir, 'runs', 'slurm');
    const args = ['al-run', '--config', config, '--methods', 'random', '--seeds', '1'];
    const run = await runSentinel([...args, '--budget', '2', '--out', out], { env: cluster.env });
    assert.equal(run.exitCode, 2, run.stderr);
    assert.match(run.stderr, said);
    assert.match(run.stderr, /the cluster refuses the engine jobs' sbatch options/);
    assert.match(run.stderr, new RegExp(`--${option}=${value}`), 'the hint shows the options');
    assert.doesNotMatch(run.stderr, /\n\s+at /, 'no stack trace');
    assert.deepEqual(await slurmJobsUnder(cluster.env, dir), [], 'nothing was submitted');
    const db = join(out, 'sentinel.db');
    if (existsSync(db)) assert.deepEqual(queryRun(db, 'select key from jobs'), []);
  });
}
