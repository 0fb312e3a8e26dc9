import { type ParseArgsConfig, parseArgs } from 'node:util';
import { z } from 'zod';
import { UserError, isUserError } from '../errors.js';
import { systemFaultAsUserError } from '../system-faults.js';
import type { Command, FlagValues, Flags } from './command.js';
import { commands } from './commands.js';

// The one place where errors are caught: a UserError prints its message and hint and exits
// with its code, and so does a fault of the machine (a full disk, a damaged or locked database:
// src/system-faults.ts); anything else is a bug and prints its stack.
export async function runCli(argv: string[], fixedCommand?: string): Promise<void> {
  try {
    process.exitCode = (await dispatch(argv, fixedCommand)) ?? 0;
  } catch (error) {
    const userError = isUserError(error) ? error : systemFaultAsUserError(error);
    if (userError) {
      process.stderr.write(`error: ${userError.message}\n`);
      if (userError.hint) process.stderr.write(`hint: ${userError.hint}\n`);
      process.exitCode = userError.exitCode;
    } else {
      const detail = error instanceof Error ? (error.stack ?? error.message) : String(error);
      process.stderr.write(`internal error (a bug, please report it):\n${detail}\n`);
      process.exitCode = 70;
    }
  }
}

async function dispatch(argv: string[], fixedCommand?: string): Promise<number | undefined> {
  const name = fixedCommand ?? argv[0];
  const rest = fixedCommand ? argv : argv.slice(1);
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(topLevelHelp());
    return 0;
  }
  const entry = commands[name];
  if (!entry) {
    throw new UserError(`unknown command "${name}"`, {
      hint: `valid commands: ${Object.keys(commands).join(', ')}. Run "sentinel --help".`,
    });
  }
  const command = await entry.load();
  if (rest.includes('--help') || rest.includes('-h')) {
    process.stdout.write(commandHelp(fixedCommand ?? `sentinel ${name}`, command));
    return 0;
  }
  return command.run(parseCommandArgs(name, command, rest));
}

// Reads a command's flags with parseArgs, then validates every flag with its schema: a flag
// unknown, malformed or missing is a UserError naming each one, with the command's usage.
function parseCommandArgs<F extends Flags>(
  name: string,
  command: Command<F>,
  argv: string[],
): { flags: FlagValues<F>; positionals: string[] } {
  const usage = { hint: `usage: ${command.usage}` };
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({
      args: argv,
      options: parseArgsOptions(command.flags),
      allowPositionals: command.allowPositionals ?? false,
      strict: true,
    });
  } catch (error) {
    throw new UserError(`${name}: ${(error as Error).message}`, usage);
  }
  const shape = Object.fromEntries(Object.entries(command.flags).map(([f, o]) => [f, o.schema]));
  const checked = z.object(shape).safeParse(parsed.values);
  if (!checked.success) {
    const lines = checked.error.issues.map((issue) =>
      flagProblem(command.flags, parsed.values, issue),
    );
    const listed = lines.length === 1 ? ` ${lines[0]}` : `\n  ${lines.join('\n  ')}`;
    throw new UserError(`${name}:${listed}`, usage);
  }
  return { flags: checked.data as FlagValues<F>, positionals: parsed.positionals };
}

function parseArgsOptions(flags: Flags): NonNullable<ParseArgsConfig['options']> {
  return Object.fromEntries(
    Object.entries(flags).map(([flag, o]) => [
      flag,
      o.type === 'string' && o.default !== undefined
        ? { type: o.type, default: o.default }
        : { type: o.type },
    ]),
  );
}

// "--seeds \"x\" is not a whole number", or "--out DIR is required".
function flagProblem(flags: Flags, values: Record<string, unknown>, issue: z.core.$ZodIssue) {
  const flag = String(issue.path[0]);
  const option = flags[flag];
  if (values[flag] === undefined)
    return `--${flag}${option?.type === 'string' ? ` ${option.value}` : ''} is required`;
  return `--${flag} ${issue.message}`;
}

function topLevelHelp(): string {
  const width = Math.max(...Object.keys(commands).map((n) => n.length));
  const lines = Object.entries(commands).map(([n, c]) => `  ${n.padEnd(width)}  ${c.description}`);
  return `sentinel: score pseudo labels with Quality Sentinel and run AL/SSL experiments\n\nUsage: sentinel <command> [options]\n\nCommands:\n${lines.join('\n')}\n\nRun "sentinel <command> --help" for a command's options.\n`;
}

// A command's help: its usage, then one aligned line per flag with what it does and its default.
export function commandHelp(program: string, command: Command): string {
  const flags = Object.entries(command.flags).map(([flag, o]) => ({
    name: `--${flag}${o.type === 'string' ? ` ${o.value}` : ''}`,
    help:
      o.help + (o.type === 'string' && o.default !== undefined ? ` (default: ${o.default})` : ''),
  }));
  const width = Math.max(0, ...flags.map((f) => f.name.length));
  const lines = flags.map((f) => `  ${f.name.padEnd(width)}  ${f.help}`);
  return `${program}: ${command.description}\n\nUsage: ${command.usage}\n\nOptions:\n${lines.join('\n')}\n`;
}
