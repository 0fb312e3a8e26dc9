import type { JobCost } from '../../executor/cost-meter.js';
import type { ProcessExecutor, Sharding } from '../../executor/process-executor.js';
import { interruptSignal } from '../../executor/process-groups.js';
import type { WorkOutcome } from '../job-runner.js';

// What a shard's run returns (an engine run or a node job's outcome): ok, or why not.
type ShardResult =
  | { ok: true; cost: JobCost; logPath: string }
  | Omit<Extract<WorkOutcome<unknown>, { ok: false }>, 'final'>;

// Consecutive shards of at most `size` items.
export function splitShards<T>(items: readonly T[], size: number): T[][] {
  const shards: T[][] = [];
  for (let i = 0; i < items.length; i += size) shards.push(items.slice(i, i + size));
  return shards;
}

// Runs `count` shards as ONE array job, then the failed ones again, alone, until each has
// succeeded or used its tries (sharding.maxAttempts). Returns each shard's last result.
export async function runShards<R extends ShardResult>(
  count: number,
  sharding: Sharding,
  signal: AbortSignal,
  runShard: (index: number, executor: ProcessExecutor) => Promise<R>,
): Promise<{ results: R[]; tries: number[] }> {
  const results: R[] = [];
  const tries = Array.from({ length: count }, () => 0);
  let pending = Array.from({ length: count }, (_, i) => i);
  for (let attempt = 1; attempt <= sharding.maxAttempts && pending.length > 0; attempt++) {
    if (attempt > 1 && (signal.aborted || interruptSignal().aborted)) break;
    const array = sharding.array(pending.length);
    const ends = await Promise.all(pending.map((shard, k) => runShard(shard, array.task(k))));
    pending.forEach((shard, k) => {
      results[shard] = ends[k] as R;
      tries[shard] = (tries[shard] ?? 0) + 1;
    });
    pending = pending.filter((shard) => !results[shard]?.ok);
  }
  return { results, tries };
}

// The cost of a sharded job: its tasks' sums (peak memory: the largest task's).
export function sumCosts(costs: readonly JobCost[]): JobCost {
  const sum = (pick: (c: JobCost) => number | null) =>
    costs.some((c) => pick(c) === null) ? null : costs.reduce((a, c) => a + (pick(c) ?? 0), 0);
  const peaks = costs.map((c) => c.peakRssBytes).filter((p): p is number => p !== null);
  const sources = new Set(costs.map((c) => c.cpuSource));
  return {
    wallSeconds: costs.reduce((a, c) => a + c.wallSeconds, 0),
    cpuSeconds: sum((c) => c.cpuSeconds),
    peakRssBytes: peaks.length > 0 ? Math.max(...peaks) : null,
    diskBytes: costs.reduce((a, c) => a + c.diskBytes, 0),
    cpuSource: sources.has('none') ? 'none' : sources.has('sampled') ? 'sampled' : 'kernel',
  };
}

// The outcome of a sharded job whose shards did not all succeed: the first failed shard's
// reason and log; final, since the failed shards were already retried alone.
export function shardedFailure<T>(
  results: readonly ShardResult[],
  tries: readonly number[],
): WorkOutcome<T> | undefined {
  const index = results.findIndex((r) => !r.ok);
  const failed = results[index];
  if (failed === undefined || failed.ok) return undefined;
  const cost = sumCosts(results.flatMap((r) => (r.cost ? [r.cost] : [])));
  return {
    ok: false,
    reason: failed.reason,
    message: `shard ${index + 1} of ${results.length} (tried ${tries[index]} time(s)): ${failed.message}`,
    cost,
    logPath: failed.logPath,
    ...(failed.logTail === undefined ? {} : { logTail: failed.logTail }),
    ...(failed.exitCode === undefined ? {} : { exitCode: failed.exitCode }),
    final: true,
  };
}
