import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { type ResolvedStrategy, resolveStrategies } from '../../strategies/registry.js';
import { type ExperimentConfig, ExperimentConfigSchema } from '../config/experiment-schema.js';
import { loadYamlConfig, resolveConfigPath } from '../config/load-config.js';
import { UserError } from '../errors.js';
import { packageRoot } from '../package-root.js';
import { loadBundle } from '../qs/bundle.js';
import { configFields } from './config-fields.js';
import { type ExperimentDataset, resolveDataset } from './dataset.js';
import type { ExperimentSettings } from './experiment-settings.js';

// The flags of al-run and ssl-run, as the CLI checked them; unset ones fall back to the config.
export interface ExperimentFlags {
  config?: string | undefined;
  methods?: string[] | undefined;
  seeds?: number | undefined;
  seedList?: number[] | undefined;
  budgets?: number[] | undefined;
  rounds?: number | undefined;
  out?: string | undefined;
  exportWorklist?: boolean;
  detach?: boolean;
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
  const strategies = await resolveStrategies(flags.methods ?? config.methods, process.cwd());
  const methods = strategies.map((r) => r.strategy.name);
  if (!config.engine.supportsTraining) {
    throw new UserError(
      `engine "${config.engine.name}" cannot train, and ${kind}-run trains M0 and fine-tunes`,
      {
        hint: 'use a trainable engine for experiments; to check the labels this engine makes, score them with `sentinel score`',
      },
    );
  }
  const mcMethod = strategies.find((r) => r.strategy.needs.mcSamples)?.strategy.name;
  if (mcMethod !== undefined && !config.engine.supportsMcDropout) {
    throw new UserError(
      `engine "${config.engine.name}" cannot make Monte-Carlo-dropout samples, so ${mcMethod} cannot run`,
      {
        hint: `leave ${mcMethod} out of --methods (or set supportsMcDropout: true if the engine can)`,
      },
    );
  }
  const rounds = checkRounds(kind, flags, config.al.rounds ?? 1);
  const detach = checkDetach(flags, config.executor.kind);
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
  if (strategies.some((r) => r.strategy.needs.qsBundle)) {
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
  if (poolSize !== undefined) checkBudgets(sortedBudgets, rounds, poolSize, budgetFlag);
  const dataset = await resolveDataset(data, join(dirname(runDir), '.cache'));
  checkBudgets(sortedBudgets, rounds, dataset.pool.length, budgetFlag);

  const recordedConfig = {
    ...config,
    kind,
    methods,
    seeds,
    budgets: sortedBudgets,
    ...(rounds > 1 ? { rounds } : {}),
    ...(await userModules(strategies)),
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
    methods,
    strategies,
    seeds,
    budgets: sortedBudgets,
    rounds,
    ...configFields(config, { pretrained, qsModel }),
    exportWorklist: flags.exportWorklist ?? false,
    detach,
    force: flags.force ?? false,
  };
  return { settings, dataset, modelHashes };
}

function checkBudgets(budgets: number[], rounds: number, poolSize: number, flag: string): void {
  const largest = budgets[budgets.length - 1] ?? 0;
  if (largest * rounds > poolSize) {
    const asked = rounds > 1 ? `${largest} x ${rounds} rounds = ${largest * rounds}` : largest;
    throw new UserError(`${flag} ${asked} is larger than the pool (${poolSize} cases)`, {
      hint: `choose at most ${Math.floor(poolSize / rounds)}${rounds > 1 ? ' per round, or fewer rounds' : ''}, or a larger pool`,
    });
  }
}

// The rounds of an AL run (--rounds, else al.rounds); SSL and worklist exports run one.
function checkRounds(kind: 'al' | 'ssl', flags: ExperimentFlags, configured: number): number {
  const rounds = flags.rounds ?? (kind === 'al' ? configured : 1);
  if (rounds > 1 && kind === 'ssl') {
    throw new UserError('--rounds is for al-run: self-training (ssl-run) runs one round', {
      hint: 'leave --rounds out of ssl-run',
    });
  }
  if (rounds > 1 && flags.exportWorklist) {
    throw new UserError(
      `--export-worklist writes the first round's worklists for real annotators; --rounds ${rounds} simulates later rounds with ground truth`,
      { hint: 'leave out --rounds (or set al.rounds: 1) to export a worklist' },
    );
  }
  return rounds;
}

// --detach queues the plan on a Slurm cluster; with jobs running here, nothing could run on.
function checkDetach(flags: ExperimentFlags, executor: 'local' | 'slurm'): boolean {
  if (flags.detach && executor !== 'slurm') {
    throw new UserError(
      '--detach queues the run on Slurm, and this config runs its jobs here (executor kind local)',
      {
        hint: 'set executor: {kind: slurm, ...} in the config (docs/slurm.md), or leave out --detach',
      },
    );
  }
  return flags.detach ?? false;
}

// The modules of the user's strategies by name, recorded with the config (nothing for
// built-in methods, so configs recorded before user modules existed hash the same).
// The user modules among the methods: their paths, and their contents' sha256 so that a
// module edited between two runs of the same command counts as another configuration.
async function userModules(strategies: ResolvedStrategy[]): Promise<{
  strategyModules?: Record<string, string>;
  strategyModuleSha256?: Record<string, string>;
}> {
  const users = strategies.filter((r) => r.module !== null);
  if (users.length === 0) return {};
  const hashes = await Promise.all(users.map(async (r) => sha256(await readFile(r.module!))));
  return {
    strategyModules: Object.fromEntries(users.map((r) => [r.strategy.name, r.module!])),
    strategyModuleSha256: Object.fromEntries(users.map((r, i) => [r.strategy.name, hashes[i]!])),
  };
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
