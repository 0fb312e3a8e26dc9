import { join, relative } from 'node:path';
import type { JobSpec } from '../../db/jobs.js';
import type { EngineConfig } from '../../engine/engine-config.js';
import { ENGINE_LOG_FILE, runEngine } from '../../engine/run-engine.js';
import { localProcessExecutor } from '../../executor/process-executor.js';
import type { ClassMap } from '../../volume/class-map.js';
import type { ExperimentJob, WorkOutcome } from '../job-runner.js';
import { runShards, shardedFailure, splitShards, sumCosts } from './run-shards.js';
import { uncertaintySave } from './uncertainty-save.js';

// A trained checkpoint, relative to its job's folder.
export interface TrainOutput {
  checkpoint: string;
}

// One case's predicted files (the fused maps only from an engine configured `fused`).
export interface PredictedCaseFiles {
  mask: string;
  probabilities?: string;
  mcSamples?: string[];
  entropyMap?: string;
  mcStdMap?: string;
}

// Predicted files per case, relative to the predict job's folder.
export interface PredictOutput {
  cases: Record<string, PredictedCaseFiles>;
}

// A train (or fine-tune) job through the engine contract.
export function trainJob(
  engine: EngineConfig,
  spec: JobSpec,
  task: {
    init: string | null;
    cases: { id: string; image: string; label: string }[];
    classes: ClassMap;
    seed: number;
    params: Record<string, unknown>;
  },
): ExperimentJob<TrainOutput> {
  return {
    spec,
    pool: 'engine',
    logFile: ENGINE_LOG_FILE,
    label: spec.key,
    async work(dir, signal, executor = localProcessExecutor): Promise<WorkOutcome<TrainOutput>> {
      const result = await runEngine(
        engine,
        { action: 'train', ...task, checkpoint: join(dir, 'checkpoint') },
        { jobDir: dir, signal, executor },
      );
      if (!result.ok) return { ...result, logPath: result.logPath };
      return {
        ok: true,
        output: { checkpoint: relative(dir, result.response.checkpoint) },
        cost: result.cost,
        logPath: result.logPath,
      };
    },
  };
}

// A predict job: masks always, probabilities and Monte-Carlo samples when asked (or, from an
// engine configured `uncertainty: fused`, its entropy and MC-std maps in their place).
export function predictJob(
  engine: EngineConfig,
  spec: JobSpec,
  task: {
    checkpoint: string;
    cases: { id: string; image: string }[];
    classes: ClassMap;
    seed: number;
    probabilities: boolean;
    mcSamples: number;
  },
): ExperimentJob<PredictOutput> {
  return {
    spec,
    pool: 'engine',
    logFile: ENGINE_LOG_FILE,
    label: spec.key,
    async work(dir, signal, executor = localProcessExecutor): Promise<WorkOutcome<PredictOutput>> {
      const predict = (
        cases: { id: string; image: string }[],
        jobDir: string,
        shardExecutor: typeof executor,
      ) =>
        runEngine(
          engine,
          {
            action: 'predict',
            checkpoint: task.checkpoint,
            cases,
            classes: task.classes,
            seed: task.seed,
            outputDir: join(jobDir, 'out'),
            save: uncertaintySave(engine, task),
          },
          { jobDir, signal, executor: shardExecutor },
        );
      const rel = (p: string) => relative(dir, p);
      const cases: PredictOutput['cases'] = {};
      const collect = (outputs: ({ id: string } & PredictedCaseFiles)[]) => {
        for (const o of outputs) {
          cases[o.id] = {
            mask: rel(o.mask),
            ...(o.probabilities ? { probabilities: rel(o.probabilities) } : {}),
            ...(o.mcSamples ? { mcSamples: o.mcSamples.map(rel) } : {}),
            ...(o.entropyMap ? { entropyMap: rel(o.entropyMap) } : {}),
            ...(o.mcStdMap ? { mcStdMap: rel(o.mcStdMap) } : {}),
          };
        }
      };
      // On a cluster, a large prediction is an array job: shard i in shard-i/, outputs merged.
      const sharding = executor.sharding;
      if (sharding && task.cases.length > sharding.shardSize) {
        const shards = splitShards(task.cases, sharding.shardSize);
        const { results, tries } = await runShards(shards.length, sharding, signal, (i, ex) =>
          predict(shards[i] ?? [], join(dir, `shard-${i}`), ex),
        );
        const failure = shardedFailure<PredictOutput>(results, tries);
        if (failure) return failure;
        for (const r of results) if (r.ok) collect(r.response.outputs);
        const cost = sumCosts(results.map((r) => r.cost));
        return { ok: true, output: { cases }, cost, logPath: results[0]?.logPath ?? dir };
      }
      const result = await predict(task.cases, dir, executor);
      if (!result.ok) return { ...result, logPath: result.logPath };
      collect(result.response.outputs);
      return { ok: true, output: { cases }, cost: result.cost, logPath: result.logPath };
    },
  };
}
