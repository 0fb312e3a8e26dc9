import type { Command } from './command.js';

// The subcommands, each loaded lazily so that `sentinel --help` stays instant.
export const commands: Record<string, { description: string; load: () => Promise<Command> }> = {
  'al-run': {
    description:
      'Active learning: revise the lowest-quality pseudo labels per method, fine-tune, evaluate',
    load: async () => (await import('./commands/al-run.js')).default,
  },
  'ssl-run': {
    description:
      'Semi-supervised learning: self-train on the highest-quality pseudo labels, evaluate',
    load: async () => (await import('./commands/ssl-run.js')).default,
  },
  'import-revisions': {
    description:
      "Import annotators' corrected masks of a review round, fine-tune, evaluate, write the next round",
    load: async () => (await import('./commands/import-revisions.js')).default,
  },
  info: {
    description: 'Describe NIfTI files: dims, datatype, spacing, orientation, value range',
    load: async () => (await import('./commands/info.js')).default,
  },
  'demo-data': {
    description:
      'Make the synthetic abdominal CT phantom dataset (nnU-Net layout, labeled/pool/test split)',
    load: async () => (await import('./commands/demo-data.js')).default,
  },
  score: {
    description:
      'Score labels with Quality Sentinel (QC without an experiment): CSV, worklist, per-organ summary',
    load: async () => (await import('./commands/score.js')).default,
  },
  job: {
    description:
      'Run one score or evaluate job of an experiment (internal, used by al-run/ssl-run)',
    load: async () => (await import('./commands/job.js')).default,
  },
  exec: {
    description: 'Run one metered task of a batch job (internal, used by the Slurm executor)',
    load: async () => (await import('./commands/exec.js')).default,
  },
  'run-step': {
    description: 'Run one job of a detached run in its Slurm job (internal, used by --detach)',
    load: async () => (await import('./commands/run-step.js')).default,
  },
  report: {
    description:
      'Report a run (method table, budget curve, ranking quality, worklist) or compare two',
    load: async () => (await import('./commands/report.js')).default,
  },
  'engine-schemas': {
    description: 'Print (or write with --out) the JSON Schemas of the engine contract v1',
    load: async () => (await import('./commands/engine-schemas.js')).default,
  },
  'engine-check': {
    description: 'Check an engine against the contract (tiny train + predict, outputs validated)',
    load: async () => (await import('./commands/engine-check.js')).default,
  },
};
