import { join, relative } from 'node:path';
import type { JobSpec } from '../../db/jobs.js';
import type { ClassMap } from '../../engine/contract.js';
import type { EngineConfig } from '../../engine/engine-config.js';
import { runEngine } from '../../engine/run-engine.js';
import type { ExperimentJob, WorkOutcome } from '../job-runner.js';

// A trained checkpoint, relative to its job's folder.
export interface TrainOutput {
  checkpoint: string;
}

// Predicted files per case, relative to the predict job's folder.
export interface PredictOutput {
  cases: Record<string, { mask: string; probabilities?: string; mcSamples?: string[] }>;
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
    label: spec.key,
    async work(dir, signal): Promise<WorkOutcome<TrainOutput>> {
      const result = await runEngine(
        engine,
        { action: 'train', ...task, checkpoint: join(dir, 'checkpoint') },
        { jobDir: dir, signal },
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

// A predict job: masks always, probabilities and Monte-Carlo samples when asked.
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
    label: spec.key,
    async work(dir, signal): Promise<WorkOutcome<PredictOutput>> {
      const result = await runEngine(
        engine,
        {
          action: 'predict',
          checkpoint: task.checkpoint,
          cases: task.cases,
          classes: task.classes,
          seed: task.seed,
          outputDir: join(dir, 'out'),
          save: { probabilities: task.probabilities, mcSamples: task.mcSamples },
        },
        { jobDir: dir, signal },
      );
      if (!result.ok) return { ...result, logPath: result.logPath };
      const rel = (p: string) => relative(dir, p);
      const cases: PredictOutput['cases'] = {};
      for (const o of result.response.outputs) {
        cases[o.id] = {
          mask: rel(o.mask),
          ...(o.probabilities ? { probabilities: rel(o.probabilities) } : {}),
          ...(o.mcSamples ? { mcSamples: o.mcSamples.map(rel) } : {}),
        };
      }
      return { ok: true, output: { cases }, cost: result.cost, logPath: result.logPath };
    },
  };
}
