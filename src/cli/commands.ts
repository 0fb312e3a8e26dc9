import type { Command } from './command.js';

// The subcommands, each loaded lazily so that `sentinel --help` stays instant.
export const commands: Record<string, { description: string; load: () => Promise<Command> }> = {
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
};
