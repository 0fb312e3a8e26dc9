import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { z } from 'zod';
import type { JobSpec } from '../../db/jobs.js';
import { insertMetrics } from '../../db/metrics.js';
import { CASE_LEVEL_ORGAN } from '../../db/schema.js';
import { insertScores } from '../../db/scores.js';
import { type ProcessExecutor, localProcessExecutor } from '../../executor/process-executor.js';
import type { ExperimentJob, WorkOutcome } from '../job-runner.js';
import {
  type EvaluateJobRequest,
  EvaluateJobResult,
  type ScoreJobRequest,
  ScoreJobResult,
} from './node-job-request.js';
import { runShards, shardedFailure, splitShards, sumCosts } from './run-shards.js';

// A node job's output (`sentinel job`), in its job folder.
const NODE_JOB_LOG_FILE = 'job.log';

const sentinelEntry = fileURLToPath(new URL('../../cli/sentinel.js', import.meta.url));

// Scores the pool with one method in a child process; its rows are recorded with the job.
export function scoreJob(
  experimentId: number,
  spec: JobSpec,
  request: Omit<ScoreJobRequest, 'kind' | 'result'>,
): ExperimentJob<ScoreJobResult> {
  return {
    spec,
    pool: 'node',
    logFile: NODE_JOB_LOG_FILE,
    label: spec.key,
    async work(dir, signal, executor = localProcessExecutor) {
      const score = (cases: ScoreJobRequest['cases'], shardDir: string, ex: ProcessExecutor) =>
        runChild(
          shardDir,
          signal,
          { ...request, cases, kind: 'score', result: join(shardDir, 'result.json') },
          ScoreJobResult,
          ex,
        );
      // On a cluster, scoring a large pool is an array job: shard i in shard-i/, rows merged.
      const sharding = executor.sharding;
      if (!sharding || request.cases.length <= sharding.shardSize)
        return score(request.cases, dir, executor);
      const shards = splitShards(request.cases, sharding.shardSize);
      const { results, tries } = await runShards(shards.length, sharding, signal, (i, ex) =>
        score(shards[i] ?? [], join(dir, `shard-${i}`), ex),
      );
      const failure = shardedFailure<ScoreJobResult>(results, tries);
      if (failure) return failure;
      const outputs = results.flatMap((r) => (r.ok ? [r.output] : []));
      return {
        ok: true,
        output: {
          cases: outputs.flatMap((o) => o.cases),
          warnings: outputs.flatMap((o) => o.warnings),
        },
        cost: sumCosts(results.flatMap((r) => (r.cost ? [r.cost] : []))),
        logPath: results[0]?.logPath ?? dir,
      };
    },
    record(tx, output) {
      // Round 1 scores come before any revision (budget 0); a later round's from its budget's model.
      const at = { round: spec.round ?? 1, budget: spec.round ? (spec.budget ?? 0) : 0 };
      const rows = output.cases.flatMap((c) => [
        {
          experimentId,
          method: request.method,
          seed: request.seed,
          ...at,
          caseId: c.caseId,
          organ: CASE_LEVEL_ORGAN,
          value: c.caseScore,
        },
        ...c.organs.map((o) => ({
          experimentId,
          method: request.method,
          seed: request.seed,
          ...at,
          caseId: c.caseId,
          organ: o.organ,
          value: o.score,
          slices: o.slices ?? null,
          worstSlice: o.worstSlice ?? null,
        })),
      ]);
      insertScores(tx, rows);
    },
  };
}

// Dice and NSD of predicted test masks, in a child process; rows recorded with the job.
export function evaluateJob(
  experimentId: number,
  spec: JobSpec & { method: string; seed: number; budget: number },
  request: Omit<EvaluateJobRequest, 'kind' | 'result'>,
): ExperimentJob<EvaluateJobResult> {
  return {
    spec,
    pool: 'node',
    logFile: NODE_JOB_LOG_FILE,
    label: spec.key,
    work: (dir, signal, executor = localProcessExecutor) =>
      runChild(
        dir,
        signal,
        { ...request, kind: 'evaluate', result: join(dir, 'result.json') },
        EvaluateJobResult,
        executor,
      ),
    record(tx, output) {
      insertMetrics(
        tx,
        output.rows.map((r) => ({
          experimentId,
          method: spec.method,
          seed: spec.seed,
          budget: spec.budget,
          round: spec.round ?? 1,
          ...r,
        })),
      );
    },
  };
}

async function runChild<T>(
  dir: string,
  signal: AbortSignal,
  request: { result: string; kind: string } & Record<string, unknown>,
  schema: z.ZodType<T>,
  executor: ProcessExecutor,
): Promise<WorkOutcome<T>> {
  const requestPath = join(dir, 'request.json');
  // Re-attaching to a job a killed orchestrator started: its request is in place.
  if (!executor.reattaching) {
    await mkdir(dir, { recursive: true });
    await writeFile(requestPath, JSON.stringify(request, null, 2));
  }
  const logPath = join(dir, NODE_JOB_LOG_FILE);
  const run = await executor.run({
    argv: [process.execPath, sentinelEntry, 'job', '--request', requestPath],
    logPath,
    signal,
    outputs: [dir],
  });
  if (!run.ok)
    return {
      ok: false,
      reason: run.reason,
      message: run.message,
      cost: run.cost,
      logPath,
      logTail: run.logTail,
      ...(run.exitCode === undefined ? {} : { exitCode: run.exitCode }),
    };
  const parsed = schema.safeParse(JSON.parse(await readFile(request.result, 'utf8')));
  if (!parsed.success) {
    return {
      ok: false,
      reason: 'bad-result',
      message: `job result ${request.result} is malformed`,
      cost: run.cost,
      logPath,
    };
  }
  return { ok: true, output: parsed.data, cost: run.cost, logPath };
}
