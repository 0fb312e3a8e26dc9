import type { JobCost } from './cost-meter.js';

// What a job gets when it runs: a signal aborted when the run is cancelled (Ctrl-C, or the
// caller's signal), and which attempt this is (1 = first).
export interface JobContext {
  signal: AbortSignal;
  attempt: number;
}

// How one attempt of a job ended. Failures are values, not exceptions; `reason` is what retry
// policies match on (e.g. 'exit', 'signal', 'timeout', 'bad-output', 'error' for a thrown bug).
export type JobOutcome<T = unknown> =
  | { ok: true; value?: T; cost?: JobCost; logPath?: string }
  | {
      ok: false;
      reason: string;
      message: string;
      cost?: JobCost;
      logPath?: string;
      logTail?: string;
    };

// One unit of work for an executor. `key` is unique and deterministic (resume matches on it);
// `kind` picks the concurrency limit ('engine' jobs run one at a time by default); `label` is
// what progress shows.
export interface Job<T = unknown> {
  key: string;
  kind: string;
  label: string;
  run(context: JobContext): Promise<JobOutcome<T>>;
}

// A finished job: its final outcome, how many attempts it took, and when it ran.
export interface JobRecord<T = unknown> {
  key: string;
  kind: string;
  label: string;
  outcome: JobOutcome<T>;
  attempts: number;
  startedAt: Date;
  finishedAt: Date;
}

// When to try a failed job again: up to maxAttempts in all, for the failure reasons listed.
export interface RetryPolicy {
  maxAttempts: number;
  retryOn: readonly string[];
}

// No retries unless configured: a failed job is recorded as failed.
export const NO_RETRY: RetryPolicy = { maxAttempts: 1, retryOn: [] };

// Whether a failed attempt should be retried under a policy.
export function shouldRetry(
  policy: RetryPolicy,
  outcome: JobOutcome<unknown>,
  attempt: number,
): boolean {
  return !outcome.ok && attempt < policy.maxAttempts && policy.retryOn.includes(outcome.reason);
}
