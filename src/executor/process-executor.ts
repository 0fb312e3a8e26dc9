import type { Job } from '../db/jobs.js';
import { type ProcessResult, type RunProcessOptions, runProcess } from './run-process.js';

// Where a job's one subprocess runs: here (runProcess) or as a Slurm batch job. The command is
// the same on both; the result is the same typed ProcessResult, metered where the process ran.
export interface ProcessExecutor {
  readonly name: string;
  // True when run() re-attaches to a process that an earlier orchestrator started (and that may
  // still be running): the files written for it are in place and must be left as they are.
  readonly reattaching: boolean;
  run(options: RunProcessOptions): Promise<ProcessResult>;
}

// How a job splits its cases into shards that run as one array job.
export interface Sharding {
  shardSize: number;
  // Tries per shard; a failed shard is retried alone.
  maxAttempts: number;
  // One submission of `size` tasks: task(i) runs the i-th (all must be given before it starts).
  array(size: number): { reattaching: boolean; task(index: number): ProcessExecutor };
}

// The executor of one attempt of one experiment job (it knows the job and its folder).
export interface JobExecutor extends ProcessExecutor {
  // Present where sharded jobs (pool predictions, scores) run as array jobs.
  readonly sharding?: Sharding;
}

// A previous orchestrator's attempt of a job that can be re-attached to: its folder and the ids
// of what it submitted, in order.
export interface Reattach {
  dir: string;
  externalIds: string[];
}

// One attempt of one job, as the job runner describes it to the executor.
export interface JobAttempt {
  key: string;
  // The attempt's (partial) folder.
  dir: string;
  pool: 'engine' | 'node';
  reattach?: Reattach;
  // Called with every id submitted so far (comma-separated), to be recorded with the job.
  onSubmitted(externalIds: string): void;
}

// The executor of a whole run, chosen in the config.
export interface RunExecutor {
  readonly name: 'local' | 'slurm' | 'slurm-detached';
  // Prepares the run: checks that the executor can be used (a UserError when not), looks at the
  // jobs recorded running (by a killed orchestrator) and keeps those that can be re-attached
  // to; returns their folders (to keep when stale partial folders are removed).
  prepare(running: readonly Job[]): Promise<Set<string>>;
  // The recorded attempt to re-attach to for that key, once (a retry starts afresh).
  takeReattach(key: string): Reattach | undefined;
  forAttempt(attempt: JobAttempt): JobExecutor;
  // Stops polling; cancels whatever is still submitted.
  close(): Promise<void>;
}

// The local process executor: runProcess itself.
export const localProcessExecutor: JobExecutor = {
  name: 'local',
  reattaching: false,
  run: (options) => runProcess(options),
};

// The local run executor: nothing to re-attach to, every job's process runs here.
export const localRunExecutor: RunExecutor = {
  name: 'local',
  prepare: async () => new Set(),
  takeReattach: () => undefined,
  forAttempt: () => localProcessExecutor,
  close: async () => {},
};
