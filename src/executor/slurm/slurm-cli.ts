import { spawnSync } from 'node:child_process';
import { userInfo } from 'node:os';
import { execa } from 'execa';
import { UserError } from '../../errors.js';

// The few Slurm commands the executor uses, each a short-lived client call with its output
// captured (argv arrays, never a shell). The cluster is the one SLURM_CONF (or the default
// config) names. sacct is not used: it needs slurmdbd, which many small clusters lack.

// A Slurm client command that failed: which one, and what it said.
export class SlurmCommandError extends Error {
  constructor(
    readonly command: string,
    readonly detail: string,
  ) {
    super(`${command} failed: ${detail}`);
  }
}

async function slurm(command: string, args: string[], input?: string): Promise<string> {
  const result = await execa(command, args, {
    reject: false,
    timeout: 60_000,
    stdin: input === undefined ? 'ignore' : 'pipe',
    ...(input === undefined ? {} : { input }),
  });
  if (result.exitCode !== 0) {
    const said = `${result.stderr || result.stdout}`.trim().split('\n')[0];
    const cause = (result as { cause?: unknown }).cause;
    throw new SlurmCommandError(
      command,
      said || (cause instanceof Error ? cause.message : `exit code ${result.exitCode}`),
    );
  }
  return result.stdout;
}

// Submits a batch script (its text on stdin) with sbatch options; returns the job id.
export async function submitBatch(options: readonly string[], script: string): Promise<string> {
  const out = await slurm('sbatch', ['--parsable', ...options], script);
  const id = out.trim().split(';')[0] ?? '';
  if (!/^\d+$/.test(id)) throw new SlurmCommandError('sbatch', `unexpected output "${out.trim()}"`);
  return id;
}

// Asks sbatch whether it would accept a batch script with these options (--test-only: nothing
// is queued); resolves when it would, throws a SlurmCommandError saying why when not.
export async function testSubmission(options: readonly string[], script: string): Promise<void> {
  await slurm('sbatch', ['--test-only', ...options], script);
}

// The ids of this user's jobs still queued or running (an array job counts under its own id).
export async function listQueuedJobs(): Promise<Set<string>> {
  const out = await slurm('squeue', ['-h', '-u', userInfo().username, '-o', '%F']);
  return new Set(
    out
      .split('\n')
      .map((l) => l.trim())
      .filter(Boolean),
  );
}

// Refuses (a UserError) when the Slurm commands are missing or the controller cannot be reached.
export async function checkSlurmReachable(): Promise<void> {
  try {
    await listQueuedJobs();
  } catch (error) {
    const detail = error instanceof SlurmCommandError ? error.detail : (error as Error).message;
    throw new UserError(`executor kind slurm: squeue does not answer (${detail})`, {
      hint: 'run on a machine with the Slurm commands and access to the cluster (SLURM_CONF names its slurm.conf), or use executor: {kind: local}',
    });
  }
}

// What `scontrol -o show job ID` says about a job (one record per array task), or undefined
// once Slurm has forgotten it (after MinJobAge).
export async function showJob(id: string): Promise<Record<string, string>[] | undefined> {
  let out: string;
  try {
    out = await slurm('scontrol', ['-o', 'show', 'job', id]);
  } catch (error) {
    if (error instanceof SlurmCommandError && /invalid job id/i.test(error.detail))
      return undefined;
    throw error;
  }
  return out
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map(parseRecord);
}

// Cancels jobs (array jobs with all their tasks); jobs already gone are ignored.
export async function cancelJobs(ids: readonly string[]): Promise<void> {
  if (ids.length === 0) return;
  await execa('scancel', [...ids], { reject: false, timeout: 60_000 });
}

// The same, synchronously: for the moment the process exits.
export function cancelJobsSync(ids: readonly string[]): void {
  if (ids.length > 0) spawnSync('scancel', [...ids], { stdio: 'ignore', timeout: 10_000 });
}

// "JobId=5 ArrayJobId=2 JobState=FAILED ExitCode=5:0 WorkDir=/x" -> {JobId: '5', ...}; a value
// runs up to the next " Key=".
function parseRecord(line: string): Record<string, string> {
  const record: Record<string, string> = {};
  const parts = line.trim().split(/ (?=[A-Za-z][\w:/.]*=)/);
  for (const part of parts) {
    const eq = part.indexOf('=');
    if (eq > 0) record[part.slice(0, eq)] = part.slice(eq + 1);
  }
  return record;
}
