// What one subcommand declares: its help text, its flags, and its body.
export interface Command {
  description: string;
  usage: string;
  options: Record<string, CommandOption>;
  allowPositionals?: boolean;
  run(args: CommandArgs): Promise<number | undefined>;
}

// One flag, as node:util parseArgs takes it (type, default), with its line of `--help`: what
// it does, and for a string flag the name of its value (FILE, N, ...).
export type CommandOption =
  | { type: 'string'; value: string; default?: string; help: string }
  | { type: 'boolean'; default?: boolean; help: string };

export interface CommandArgs {
  values: Record<string, string | boolean | (string | boolean)[] | undefined>;
  positionals: string[];
}
