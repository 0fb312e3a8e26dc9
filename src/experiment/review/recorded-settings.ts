import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { resolveStrategies } from '../../../strategies/registry.js';
import { ExperimentConfigSchema } from '../../config/experiment-schema.js';
import type { Experiment } from '../../db/experiments.js';
import { UserError } from '../../errors.js';
import { configFields } from '../config-fields.js';
import type { ExperimentSettings } from '../experiment-settings.js';

// The settings of a recorded run, rebuilt from the config al-run recorded (paths in it are
// absolute already; seeds, budgets and rounds as the flags made them), so that a later command
// on the run (an import of revisions, a detached run's job) runs its jobs exactly as the run
// did; a user's strategy module is loaded again from the path the run recorded.
export async function recordedSettings(
  experiment: Experiment,
  runDir: string,
): Promise<ExperimentSettings> {
  const recorded = experiment.config as Record<string, unknown>;
  const { kind: _kind, seeds, budgets, rounds, strategyModules, ...rest } = recorded;
  const { strategyModuleSha256: hashes, ...fields } = rest;
  const parsed = ExperimentConfigSchema.safeParse({ ...fields, seedList: seeds });
  if (!parsed.success || !Array.isArray(budgets)) {
    throw new UserError(`the config recorded in ${runDir} cannot be read by this version`, {
      hint: 'import revisions with the sentinel version that ran al-run on this folder',
    });
  }
  const config = parsed.data;
  const dir = resolve(runDir);
  const modules = (strategyModules ?? {}) as Record<string, string>;
  const strategies = await resolveStrategies(
    config.methods.map((name) => modules[name] ?? name),
    dir,
  );
  await checkModulesUnchanged(modules, (hashes ?? {}) as Record<string, string>);
  return {
    kind: experiment.kind,
    name: basename(dir),
    runDir: dir,
    cacheDir: join(dirname(dir), '.cache'),
    configFile: '',
    recordedConfig: experiment.config,
    configHash: experiment.configHash,
    data: config.data,
    methods: config.methods,
    strategies,
    rounds: typeof rounds === 'number' ? rounds : 1,
    seeds: config.seedList ?? [0],
    budgets: budgets as number[],
    ...configFields(config, {
      pretrained: config.training.pretrained ?? null,
      qsModel: config.qs.model,
    }),
    exportWorklist: false,
    detach: false,
    force: false,
  };
}

// A user's strategy module edited since the run recorded it would score with other code than
// the run's: refused (the run's config hash counts the module's contents).
async function checkModulesUnchanged(
  modules: Record<string, string>,
  recorded: Record<string, string>,
): Promise<void> {
  for (const [name, path] of Object.entries(modules)) {
    const now = createHash('sha256')
      .update(await readFile(path))
      .digest('hex');
    if (recorded[name] !== undefined && now !== recorded[name]) {
      throw new UserError(
        `the strategy module ${path} (${name}) changed since the run recorded it`,
        {
          hint: 'restore the module the run used, or start a new run (al-run --out NEW) with this one',
        },
      );
    }
  }
}
