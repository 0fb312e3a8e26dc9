import type { Command } from './command.js';

// The subcommands, each loaded lazily so that `sentinel --help` stays instant.
export const commands: Record<string, { description: string; load: () => Promise<Command> }> = {
  info: {
    description: 'Describe NIfTI files: dims, datatype, spacing, orientation, value range',
    load: async () => (await import('./commands/info.js')).default,
  },
};
