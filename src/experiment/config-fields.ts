import type { ExperimentConfig } from '../config/experiment-schema.js';
import type { ExperimentSettings } from './experiment-settings.js';

type ConfigFields = Pick<
  ExperimentSettings,
  | 'engine'
  | 'training'
  | 'qs'
  | 'mcSamples'
  | 'nsdToleranceMm'
  | 'executor'
  | 'concurrency'
  | 'maxAttempts'
>;

// The settings that follow from a validated config alone, with its model paths resolved
// (the pretrained init, the QS bundle): shared by a new run and by a later command on a
// recorded one.
export function configFields(
  config: ExperimentConfig,
  paths: { pretrained: string | null; qsModel: string },
): ConfigFields {
  return {
    engine: config.engine,
    training: {
      pretrained: paths.pretrained,
      m0Params: config.training.m0.params,
      finetuneFrom: config.training.finetune.from,
      finetuneParams: config.training.finetune.params,
      repeatM0: config.training.repeatM0,
    },
    qs: { model: paths.qsModel, batchSize: config.qs.batchSize },
    mcSamples: config.mcDropout.samples,
    nsdToleranceMm: config.metrics.nsdToleranceMm,
    executor: config.executor,
    // On Slurm the cluster schedules: up to maxParallel jobs of each pool are submitted at once.
    concurrency:
      config.executor.kind === 'slurm'
        ? { engine: config.executor.maxParallel, node: config.executor.maxParallel }
        : { engine: config.executor.engineConcurrency, node: config.executor.nodeConcurrency },
    maxAttempts: config.executor.maxAttempts,
  };
}
