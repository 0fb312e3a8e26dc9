import type { ParseArgsConfig } from 'node:util';

// What one subcommand declares: its help text, its flags (node:util parseArgs), and its body.
export interface Command {
  description: string;
  usage: string;
  options: NonNullable<ParseArgsConfig['options']>;
  allowPositionals?: boolean;
  run(args: CommandArgs): Promise<number | undefined>;
}

export interface CommandArgs {
  values: Record<string, string | boolean | (string | boolean)[] | undefined>;
  positionals: string[];
}
