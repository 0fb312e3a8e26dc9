import { after, before } from 'node:test';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { skipOrFail } from '../../requirements/skip-or-fail.js';

const packageRoot = fileURLToPath(new URL('../../../../', import.meta.url));
const script = `${packageRoot}scripts/slurm-test-cluster.sh`;

// The single-node test cluster (scripts/slurm-test-cluster.sh), held by this test process:
// the environment its clients need, or why it could not start (the tests then skip).
export type TestCluster = { ok: true; env: Record<string, string> } | { ok: false; reason: string };

// Starts the cluster (installing slurm-wlm when missing), or reuses a running one.
export async function startTestCluster(): Promise<TestCluster> {
  const result = await execa('bash', [script, 'start', String(process.pid)], {
    reject: false,
    timeout: 600_000,
  });
  const line = result.stdout.split('\n').find((l) => l.startsWith('SLURM_CONF='));
  if (result.exitCode !== 0 || !line) {
    const said = `${result.stderr}`.trim().split('\n').slice(-3).join(' / ');
    const reason = `no Slurm test cluster (Debian's slurm-wlm, scripts/install-system-deps.sh): ${said || `exit ${result.exitCode}`}`;
    return { ok: false, reason: skipOrFail(reason) ?? reason };
  }
  return { ok: true, env: { SLURM_CONF: line.slice('SLURM_CONF='.length) } };
}

// The cluster of a test file: started before its tests, let go after them. `ok` is known
// inside a test; `env` may be read once `ok` is true.
export function useTestCluster(): {
  readonly ok: boolean;
  readonly reason: string;
  readonly env: Record<string, string>;
} {
  let cluster: TestCluster = {
    ok: false,
    reason: 'bug: the test cluster is read before its start',
  };
  before(async () => {
    cluster = await startTestCluster();
  });
  after(stopTestCluster);
  return {
    get ok() {
      return cluster.ok;
    },
    get reason() {
      return cluster.ok ? '' : cluster.reason;
    },
    get env() {
      if (!cluster.ok) throw new Error(`bug: no test cluster: ${cluster.reason}`);
      return cluster.env;
    },
  };
}

// Lets go of the cluster; the script stops the daemons once no holder is left.
export async function stopTestCluster(): Promise<void> {
  await execa('bash', [script, 'stop', String(process.pid)], { reject: false });
}

// The Slurm jobs (array tasks one by one) whose working directory is under `dir`, as
// `scontrol show job` lists them (ended jobs are kept for MinJobAge, an hour on the test
// cluster). `submission` is the id sbatch printed (an array job's tasks share it).
export async function slurmJobsUnder(
  env: Record<string, string>,
  dir: string,
): Promise<{ name: string; submission: string; state: string }[]> {
  const result = await execa('scontrol', ['-o', 'show', 'job'], { env, reject: false });
  return (
    result.stdout
      .split('\n')
      // "JobName=sentinel:score/x/seed=0": a value runs from the first "=" (names hold "=" too).
      .map((line) =>
        Object.fromEntries(
          line.split(' ').map((kv) => [kv.split('=')[0], kv.split('=').slice(1).join('=')]),
        ),
      )
      .filter((r) => typeof r.WorkDir === 'string' && r.WorkDir.startsWith(dir))
      .map((r) => ({
        name: r.JobName,
        submission: r.ArrayJobId ?? r.JobId,
        state: r.JobState,
      }))
  );
}

// The jobs still queued or running (squeue) whose working directory is under `dir`.
export async function queuedUnder(env: Record<string, string>, dir: string): Promise<string[]> {
  const result = await execa('squeue', ['-h', '-o', '%i %Z'], { env, reject: false });
  return result.stdout
    .split('\n')
    .filter((line) => line.split(' ')[1]?.startsWith(dir))
    .map((line) => line.split(' ')[0] ?? '');
}
