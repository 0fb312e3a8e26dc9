import type { z } from 'zod';

// One flag: how parseArgs reads it (a string value or a boolean switch), its line of --help
// (what it does; for a string flag the name of its value, FILE, N, ..., and the default text
// used when it is not given), and the schema that checks and converts what was given.
export type Flag<S extends z.ZodType = z.ZodType> =
  | { type: 'string'; value: string; default?: string; help: string; schema: S }
  | { type: 'boolean'; help: string; schema: S };

export type Flags = Record<string, Flag>;

// The flags' values after their schemas: what a command's run() gets.
export type FlagValues<F extends Flags> = { [K in keyof F]: z.output<F[K]['schema']> };

// What one subcommand declares: its help text, its flags, and its body. The CLI entry parses
// and validates the flags (main.ts), so run() gets them typed and checked.
export interface Command<F extends Flags = Flags> {
  description: string;
  usage: string;
  flags: F;
  allowPositionals?: boolean;
  run(args: { flags: FlagValues<F>; positionals: string[] }): Promise<number | undefined>;
}

// A command with its flag types checked against run() (an identity function for inference).
export function defineCommand<F extends Flags>(command: Command<F>): Command<F> {
  return command;
}
