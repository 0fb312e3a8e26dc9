import type { Step } from '../plan/steps.js';

// What queueing a plan on Slurm needs to know and do, per job step.
export interface PlanQueue {
  // The job is recorded done (its folder in place): nothing to submit, nothing to wait for.
  isDone(key: string): boolean;
  // The Slurm id of the job when an earlier --detach queued it and it is still queued or
  // running: it is not submitted again, and what runs after it waits for that id.
  liveId(key: string): string | undefined;
  // Submits the job to start once every id in `dependsOn` has succeeded; returns its id.
  submit(step: Step<unknown>, dependsOn: string[]): Promise<string>;
}

// Queues every job of the plan that is neither done nor still queued, each depending (afterok)
// on the jobs its inputs come from. An action between jobs (a selection) runs inside the jobs
// after it, so its own inputs' jobs are what they wait for. Jobs are submitted in the plan's
// order, each after the jobs it waits for. Returns how many were submitted and how many were
// left queued from before.
export async function queuePlan(
  steps: readonly Step<unknown>[],
  queue: PlanQueue,
): Promise<{ submitted: number; alreadyQueued: number }> {
  const waitFor = new Map<Step<unknown>, string[]>();
  const counts = { submitted: 0, alreadyQueued: 0 };
  const visit = async (step: Step<unknown>): Promise<string[]> => {
    const known = waitFor.get(step);
    if (known) return known;
    const inputs: string[] = [];
    for (const input of step.after) inputs.push(...(await visit(input)));
    const dependsOn = [...new Set(inputs)].sort((a, b) => Number(a) - Number(b));
    const ids = await ownIds(step, dependsOn, queue, counts);
    waitFor.set(step, ids);
    return ids;
  };
  for (const step of steps) await visit(step);
  return counts;
}

async function ownIds(
  step: Step<unknown>,
  dependsOn: string[],
  queue: PlanQueue,
  counts: { submitted: number; alreadyQueued: number },
): Promise<string[]> {
  if (!step.isJob) return dependsOn;
  if (queue.isDone(step.key)) return [];
  const live = queue.liveId(step.key);
  if (live !== undefined) {
    counts.alreadyQueued += 1;
    return [live];
  }
  counts.submitted += 1;
  return [await queue.submit(step, dependsOn)];
}
