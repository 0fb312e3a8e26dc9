import { BASELINE_METHOD } from '../db/schema.js';
import type { RunData } from './load-run.js';
import { plannedRun } from './method-order.js';

// A job that did not finish, as the report lists it.
export interface UnfinishedJob {
  key: string;
  status: string;
  reason: string | null;
  message: string | null;
}

// How complete a run is: job counts by status, the jobs not done, and plain-language notes.
export interface RunStatus {
  experimentStatus: string;
  jobsByStatus: Record<string, number>;
  failed: UnfinishedJob[];
  notDone: UnfinishedJob[];
  notes: string[];
}

const LISTED = 12;

// Says what a report of this run lacks: an unfinished or failed run, failed jobs, methods or
// budgets of the config with no results, no results at all.
export function describeRunStatus(run: RunData): RunStatus {
  const jobsByStatus: Record<string, number> = {};
  for (const job of run.jobs) jobsByStatus[job.status] = (jobsByStatus[job.status] ?? 0) + 1;
  const unfinished = (status: string) =>
    run.jobs
      .filter((j) => j.status === status)
      .map((j) => ({ key: j.key, status: j.status, reason: j.reason, message: j.message }));
  const failed = unfinished('failed');
  const notDone = [...unfinished('running'), ...unfinished('pending')];
  const notes: string[] = [];
  const status = run.experiment.status;
  if (status !== 'done') {
    const done = jobsByStatus.done ?? 0;
    notes.push(
      `The run ${status === 'running' ? 'is not finished' : 'did not finish'} (status ${status}): ${done} of ${run.jobs.length} recorded jobs done; this report shows what exists.`,
    );
  }
  if (failed.length > 0) {
    notes.push(`${failed.length} job(s) failed: ${listKeys(failed)}.`);
  }
  if (notDone.length > 0) {
    notes.push(`${notDone.length} job(s) not done (pending or running): ${listKeys(notDone)}.`);
  }
  if (run.metrics.length === 0) {
    notes.push(
      'No evaluation results yet: no fine-tuned model (or M0) has been evaluated on the test set.',
    );
  } else {
    notes.push(...missingResults(run));
  }
  return { experimentStatus: status, jobsByStatus, failed, notDone, notes };
}

function missingResults(run: RunData): string[] {
  const planned = plannedRun(run);
  const notes: string[] = [];
  const evaluated = new Set(run.metrics.map((m) => m.method));
  if (!evaluated.has(BASELINE_METHOD))
    notes.push('M0 (the baseline) has no evaluation results: gains over M0 are left out.');
  const missingMethods = planned.methods.filter((m) => !evaluated.has(m) && m !== 'oracle');
  if (missingMethods.length > 0)
    notes.push(`No evaluation results for: ${missingMethods.join(', ')}.`);
  const budgets = new Set(
    run.metrics.filter((m) => m.method !== BASELINE_METHOD).map((m) => m.budget),
  );
  const missingBudgets = planned.budgets.filter((b) => !budgets.has(b));
  if (missingBudgets.length > 0) {
    const what = run.experiment.kind === 'al' ? 'budget' : 'top-K value';
    notes.push(`No evaluation results at ${what}(s) ${missingBudgets.join(', ')}.`);
  }
  return notes;
}

function listKeys(jobs: readonly UnfinishedJob[]): string {
  const shown = jobs.slice(0, LISTED).map((j) => (j.reason ? `${j.key} (${j.reason})` : j.key));
  return jobs.length > LISTED
    ? `${shown.join(', ')}, and ${jobs.length - LISTED} more`
    : shown.join(', ');
}
