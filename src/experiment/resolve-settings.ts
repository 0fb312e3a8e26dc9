import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { getStrategy } from '../../strategies/registry.js';
import { type ExperimentConfig, ExperimentConfigSchema } from '../config/experiment-schema.js';
import { loadYamlConfig, resolveConfigPath } from '../config/load-config.js';
import { UserError } from '../errors.js';
import { packageRoot } from '../package-root.js';
import { loadBundle } from '../qs/bundle.js';
import { type ExperimentDataset, resolveDataset } from './dataset.js';
import type { ExperimentSettings } from './experiment-settings.js';

// The flags of al-run and ssl-run, as the CLI checked them; unset ones fall back to the config.
export interface ExperimentFlags {
  config?: string | undefined;
  methods?: string[] | undefined;
  seeds?: number | undefined;
  seedList?: number[] | undefined;
  budgets?: number[] | undefined;
  out?: string | undefined;
  exportWorklist?: boolean;
  force?: boolean;
}

// The config file that runs when none is given: the embedded demo.
export const DEFAULT_CONFIG = join(packageRoot, 'configs', 'demo.yaml');

// Turns a config file and flags into validated settings, the dataset and the model hashes.
// Every problem a user can fix is a UserError (exit 2) raised here, before any job runs.
export async function resolveSettings(
  kind: 'al' | 'ssl',
  flags: ExperimentFlags,
): Promise<{
  settings: ExperimentSettings;
  dataset: ExperimentDataset;
  modelHashes: Record<string, string>;
}> {
  const configFile = resolve(flags.config ?? DEFAULT_CONFIG);
  const config: ExperimentConfig = await loadYamlConfig(configFile, ExperimentConfigSchema);
  // Where the budgets came from, as a message names them.
  const budgetFlag =
    flags.budgets !== undefined
      ? kind === 'al'
        ? '--budget'
        : '--topk'
      : kind === 'al'
        ? `al.budgets in ${configFile}:`
        : `ssl.topk in ${configFile}:`;
  const methods = flags.methods ?? config.methods;
  for (const method of methods) getStrategy(method);
  if (!config.engine.supportsTraining) {
    throw new UserError(
      `engine "${config.engine.name}" cannot train, and ${kind}-run trains M0 and fine-tunes`,
      {
        hint: 'use a trainable engine for experiments; to check the labels this engine makes, score them with `sentinel score`',
      },
    );
  }
  if (methods.includes('mc-dropout') && !config.engine.supportsMcDropout) {
    throw new UserError(
      `engine "${config.engine.name}" cannot make Monte-Carlo-dropout samples, so mc-dropout cannot run`,
      {
        hint: 'leave mc-dropout out of --methods (or set supportsMcDropout: true if the engine can)',
      },
    );
  }
  const seeds =
    flags.seedList ??
    (flags.seeds !== undefined ? range(flags.seeds) : (config.seedList ?? range(config.seeds)));
  const budgets = flags.budgets ?? (kind === 'al' ? config.al.budgets : config.ssl.topk);
  const sortedBudgets = [...new Set(budgets)].sort((a, b) => a - b);

  const runDir = resolve(flags.out ?? join('runs', `${config.name}-${kind}`));
  const fromConfig = (p: string) => resolveConfigPath(p, configFile, packageRoot);
  const data =
    'demo' in config.data
      ? config.data
      : { dataset: fromConfig(config.data.dataset), split: fromConfig(config.data.split) };
  const pretrained = config.training.pretrained ? fromConfig(config.training.pretrained) : null;
  const qsModel = fromConfig(config.qs.model);
  const modelHashes: Record<string, string> = {};
  if (methods.includes('qs')) {
    const bundle = await loadBundle(qsModel);
    modelHashes.qs = bundle.manifest.modelSha256 ?? sha256(await readFile(bundle.modelPath));
  }
  if (pretrained)
    modelHashes.pretrained = sha256(
      await readFile(pretrained).catch(() => {
        throw new UserError(`training.pretrained ${pretrained} cannot be read`, {
          hint: 'check the path in the config',
        });
      }),
    );

  const poolSize = 'demo' in data ? data.demo.pool : undefined;
  if (poolSize !== undefined) checkBudgets(sortedBudgets, poolSize, budgetFlag);
  const dataset = await resolveDataset(data, join(dirname(runDir), '.cache'));
  checkBudgets(sortedBudgets, dataset.pool.length, budgetFlag);

  const recordedConfig = {
    ...config,
    kind,
    methods,
    seeds,
    budgets: sortedBudgets,
    data,
    training: { ...config.training, pretrained },
    qs: { ...config.qs, model: qsModel },
  };
  const settings: ExperimentSettings = {
    kind,
    name: basename(runDir),
    runDir,
    cacheDir: join(dirname(runDir), '.cache'),
    configFile,
    recordedConfig,
    configHash: sha256(Buffer.from(stableJson(recordedConfig))),
    data,
    engine: config.engine,
    methods,
    seeds,
    budgets: sortedBudgets,
    training: {
      pretrained,
      m0Params: config.training.m0.params,
      finetuneFrom: config.training.finetune.from,
      finetuneParams: config.training.finetune.params,
      repeatM0: config.training.repeatM0,
    },
    qs: { model: qsModel, batchSize: config.qs.batchSize },
    mcSamples: config.mcDropout.samples,
    nsdToleranceMm: config.metrics.nsdToleranceMm,
    executor: config.executor,
    // On Slurm the cluster schedules: up to maxParallel jobs of each pool are submitted at once.
    concurrency:
      config.executor.kind === 'slurm'
        ? { engine: config.executor.maxParallel, node: config.executor.maxParallel }
        : { engine: config.executor.engineConcurrency, node: config.executor.nodeConcurrency },
    maxAttempts: config.executor.maxAttempts,
    exportWorklist: flags.exportWorklist ?? false,
    force: flags.force ?? false,
  };
  return { settings, dataset, modelHashes };
}

function checkBudgets(budgets: number[], poolSize: number, flag: string): void {
  const largest = budgets[budgets.length - 1] ?? 0;
  if (largest > poolSize) {
    throw new UserError(`${flag} ${largest} is larger than the pool (${poolSize} cases)`, {
      hint: `choose at most ${poolSize}, or a larger pool`,
    });
  }
}

function range(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i);
}

function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

// JSON with object keys sorted, so equal configs hash equal.
function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(
      ([, v]) => v !== undefined,
    );
    return `{${entries
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([k, v]) => `${JSON.stringify(k)}:${stableJson(v)}`)
      .join(',')}}`;
  }
  return JSON.stringify(value);
}
