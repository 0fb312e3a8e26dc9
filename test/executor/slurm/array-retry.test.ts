import assert from 'node:assert/strict';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { queryRun } from '../../experiment/tiny-config.js';
import { runSentinel } from '../../run-cli.js';
import { slurmExperiment } from './slurm-experiment.js';
import { slurmJobsUnder, useTestCluster } from './test-cluster.js';

const cluster = useTestCluster();

// The pool's second shard (cases 3-4 of 6) fails in the wrapped engine: once, or always.
for (const mode of ['once', 'always'] as const) {
  test(`a failed array task is retried alone (${mode === 'once' ? 'then succeeds' : 'then reported'})`, async (t) => {
    if (!cluster.ok) return t.skip(cluster.reason);
    const { dir, config } = await slurmExperiment(`slurm-retry-${mode}`, {
      engineEnv: { WRAP_FAIL: `/shard-1/out:${mode}`, WRAP_STATE: '{jobdir}/..' },
    });
    const out = join(dir, 'runs', 'r');
    const result = await runSentinel(
      [
        'al-run',
        '--config',
        config,
        '--methods',
        'random',
        '--seeds',
        '1',
        '--budget',
        '2',
        '--out',
        out,
      ],
      { env: cluster.env },
    );
    const db = join(out, 'sentinel.db');
    const pool = queryRun<{ status: string; attempts: number; message: string | null }>(
      db,
      "select status, attempts, message from jobs where key = 'predict/pool/m0'",
    )[0];
    const submissions = (await slurmJobsUnder(cluster.env, out)).filter(
      (j) => j.name === 'sentinel:predict/pool/m0',
    );
    // First the array of 3 tasks, then shard 1 alone: 2 submissions, 4 tasks, one job attempt.
    assert.equal(new Set(submissions.map((s) => s.submission)).size, 2);
    assert.equal(submissions.length, 4);
    assert.equal(pool?.attempts, 1, 'the job itself is not run again');
    if (mode === 'once') {
      assert.equal(result.exitCode, 0, result.stderr);
      assert.equal(pool?.status, 'done');
      const files = await readdir(join(out, 'jobs', 'predict__pool__m0', 'shard-1', 'out'));
      assert.equal(files.filter((f) => f.endsWith('.nii.gz')).length, 2, 'shard 1 predicted');
    } else {
      assert.equal(result.exitCode, 1, result.stderr);
      assert.equal(pool?.status, 'failed');
      assert.match(
        result.stderr,
        /predict\/pool\/m0: shard 2 of 3 \(tried 2 time\(s\)\): .*exited with code 3/,
      );
      assert.match(result.stderr, /log: .*shard-1\/engine\.log/);
    }
  });
}
