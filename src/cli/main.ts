import { type ParseArgsConfig, parseArgs } from 'node:util';
import { UserError, isUserError } from '../errors.js';
import type { Command, CommandArgs } from './command.js';
import { commands } from './commands.js';

// The one place where errors are caught: a UserError prints its message and hint and exits
// with its code; anything else is a bug and prints its stack.
export async function runCli(argv: string[], fixedCommand?: string): Promise<void> {
  try {
    process.exitCode = (await dispatch(argv, fixedCommand)) ?? 0;
  } catch (error) {
    if (isUserError(error)) {
      process.stderr.write(`error: ${error.message}\n`);
      if (error.hint) process.stderr.write(`hint: ${error.hint}\n`);
      process.exitCode = error.exitCode;
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

function parseCommandArgs(name: string, command: Command, argv: string[]): CommandArgs {
  try {
    const options = Object.fromEntries(
      Object.entries(command.options).map(([flag, o]) => [
        flag,
        o.default === undefined ? { type: o.type } : { type: o.type, default: o.default },
      ]),
    ) as NonNullable<ParseArgsConfig['options']>;
    const parsed = parseArgs({
      args: argv,
      options,
      allowPositionals: command.allowPositionals ?? false,
      strict: true,
    });
    return { values: parsed.values, positionals: parsed.positionals };
  } catch (error) {
    throw new UserError(`${name}: ${(error as Error).message}`, {
      hint: `usage: ${command.usage}`,
    });
  }
}

function topLevelHelp(): string {
  const width = Math.max(...Object.keys(commands).map((n) => n.length));
  const lines = Object.entries(commands).map(([n, c]) => `  ${n.padEnd(width)}  ${c.description}`);
  return `sentinel: score pseudo labels with Quality Sentinel and run AL/SSL experiments\n\nUsage: sentinel <command> [options]\n\nCommands:\n${lines.join('\n')}\n\nRun "sentinel <command> --help" for a command's options.\n`;
}

// A command's help: its usage, then one aligned line per flag with what it does and its default.
export function commandHelp(program: string, command: Command): string {
  const flags = Object.entries(command.options).map(([flag, o]) => ({
    name: `--${flag}${o.type === 'string' ? ` ${o.value}` : ''}`,
    help:
      o.help + (o.default !== undefined && o.default !== false ? ` (default: ${o.default})` : ''),
  }));
  const width = Math.max(0, ...flags.map((f) => f.name.length));
  const lines = flags.map((f) => `  ${f.name.padEnd(width)}  ${f.help}`);
  return `${program}: ${command.description}\n\nUsage: ${command.usage}\n\nOptions:\n${lines.join('\n')}\n`;
}
