import { z } from 'zod';
import { EngineConfig } from '../engine/engine-config.js';
import { torchPatchProblem } from '../engine/torch-patch-rule.js';
import { ExecutorConfig } from '../executor/executor-config.js';
import { CASE_GROUPS, DEMO_DATASET_DEFAULTS, DEMO_MIXES } from '../phantom/index.js';

// The experiment config, validated once where it enters (load-config.ts). After that the
// code trusts these types. Relative paths are resolved against the config file's folder.

const positiveInt = z.number().int().positive();

// A list in which no item appears twice.
function distinct<T extends z.ZodArray<z.ZodType>>(list: T, what: string) {
  return list.refine((items) => new Set(items).size === items.length, `lists ${what} twice`);
}

// The share of each phantom group in one split (docs/demo-dataset.md lists the groups).
const GroupMix = z.partialRecord(z.enum(CASE_GROUPS), z.number().nonnegative());

// Synthetic phantoms, generated on first use and cached under runs/.cache/.
const DemoData = z.strictObject({
  demo: z.strictObject({
    labeled: positiveInt.default(DEMO_DATASET_DEFAULTS.labeled),
    pool: positiveInt.default(DEMO_DATASET_DEFAULTS.pool),
    test: positiveInt.default(DEMO_DATASET_DEFAULTS.test),
    seed: z.number().int().nonnegative().default(0),
    size: z.tuple([positiveInt, positiveInt, positiveInt]).default([64, 64, 40]),
    // Which groups each split is drawn from; a split left out keeps the demo's mix.
    mix: z
      .strictObject({
        labeled: GroupMix.optional(),
        pool: GroupMix.optional(),
        test: GroupMix.optional(),
      })
      .optional()
      .transform((mix) => ({ ...DEMO_MIXES, ...mix })),
  }),
});

// An nnU-Net/MSD dataset (dataset.json with images and label maps) and a split file
// {labeled: [ids], pool: [ids], test: [ids]}.
const MsdData = z.strictObject({
  dataset: z.string().min(1),
  split: z.string().min(1),
});

const Training = z.strictObject({
  // Checkpoint that M0 starts from (a pretrained model), or none to train from scratch.
  pretrained: z.string().nullable().default(null),
  // Engine params for training M0 on the labeled set.
  m0: z
    .strictObject({ params: z.record(z.string(), z.unknown()).default({}) })
    .default({ params: {} }),
  finetune: z
    .strictObject({
      // Fine-tune from M0 (default) or from the pretrained init (or scratch when none).
      from: z.enum(['m0', 'init']).default('m0'),
      params: z.record(z.string(), z.unknown()).default({}),
    })
    .default({ from: 'm0', params: {} }),
  // Train M0 (and pseudo-label the pool) once per seed instead of once for all.
  repeatM0: z.boolean().default(false),
});

const ExperimentConfigFields = z.strictObject({
  name: z.string().min(1).default('experiment'),
  data: z.union([DemoData, MsdData]),
  engine: EngineConfig,
  training: Training.default({
    pretrained: null,
    m0: { params: {} },
    finetune: { from: 'm0', params: {} },
    repeatM0: false,
  }),
  methods: distinct(z.array(z.string().min(1)).min(1), 'a method').default([
    'qs',
    'entropy',
    'mc-dropout',
    'random',
  ]),
  seeds: positiveInt.default(5),
  seedList: distinct(z.array(z.number().int().nonnegative()).min(1), 'a seed').optional(),
  al: z
    .strictObject({
      budgets: z.array(positiveInt).min(1).default([20]),
      // Active-learning rounds (al-run --rounds); one when left out.
      rounds: positiveInt.optional(),
    })
    .default({ budgets: [20] }),
  ssl: z.strictObject({ topk: z.array(positiveInt).min(1).default([20]) }).default({ topk: [20] }),
  qs: z
    .strictObject({
      // A QS bundle folder; "{package}" is this package's root (the shipped model).
      model: z.string().default('{package}/models/qs-phantom'),
      batchSize: positiveInt.default(32),
    })
    .default({ model: '{package}/models/qs-phantom', batchSize: 32 }),
  mcDropout: z
    .strictObject({ samples: z.number().int().min(2).default(3) })
    .default({ samples: 3 }),
  metrics: z
    .strictObject({ nsdToleranceMm: z.number().positive().default(1) })
    .default({ nsdToleranceMm: 1 }),
  executor: ExecutorConfig.default({
    kind: 'local',
    engineConcurrency: 1,
    nodeConcurrency: 2,
    maxAttempts: 2,
  }),
});
// The experiment config as loaded: the fields, and the torch engine's patch rule across them.
export const ExperimentConfigSchema = ExperimentConfigFields.superRefine(checkStagePatches);
export type ExperimentConfig = z.output<typeof ExperimentConfigSchema>;

// The torch engine's patch rule for each training stage's params merged over the engine's (the
// engine's own params are checked by EngineConfig), so a bad patch fails at load.
function checkStagePatches(
  config: { engine: EngineConfig; training: z.output<typeof Training> },
  ctx: z.RefinementCtx,
) {
  if (torchPatchProblem(config.engine.params)) return;
  for (const stage of ['m0', 'finetune'] as const) {
    const problem = torchPatchProblem({
      ...config.engine.params,
      ...config.training[stage].params,
    });
    if (problem)
      ctx.addIssue({
        code: 'custom',
        path: ['training', stage, 'params', 'patchSize'],
        message: problem,
      });
  }
}
