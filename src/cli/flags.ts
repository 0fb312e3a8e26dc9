import { z } from 'zod';
import type { Flag } from './command.js';

// The flag kinds the commands use, each with the schema that turns its text into a value.
// A schema's message completes "--FLAG ...", e.g. '"x" is not a whole number'.

// A string flag: `value` names its value in --help; `schema` checks the text (undefined when
// the flag is not given and has no default).
export function stringFlag<S extends z.ZodType>(
  value: string,
  help: string,
  schema: S,
  defaultText?: string,
): Flag<S> {
  return defaultText === undefined
    ? { type: 'string', value, help, schema }
    : { type: 'string', value, help, schema, default: defaultText };
}

// A switch: true when given, false otherwise.
export function booleanFlag(help: string): Flag<z.ZodDefault<z.ZodBoolean>> {
  return { type: 'boolean', help, schema: z.boolean().default(false) };
}

// Text as given (a path, a name).
export const text = z.string().min(1, 'needs a value');

// A whole number written as digits, `min` or more.
export function wholeNumber(min = 0) {
  return z.string().transform((given, ctx) => {
    const value = /^\s*\d+\s*$/.test(given) ? Number(given) : Number.NaN;
    if (Number.isSafeInteger(value) && value >= min) return value;
    ctx.addIssue({
      code: 'custom',
      message: `"${given}" is not a whole number${min > 0 ? ` of at least ${min}` : ''}`,
    });
    return z.NEVER;
  });
}

// A comma-separated list (spaces and empty items ignored), each item checked by `item`.
export function commaList<T extends z.ZodType<unknown, string>>(item: T) {
  return z
    .string()
    .transform((given) =>
      given
        .split(',')
        .map((x) => x.trim())
        .filter((x) => x !== ''),
    )
    .pipe(z.array(item).min(1, 'needs a comma-separated list'));
}

// A comma-separated list in which no item is given twice.
export function distinctList<T extends z.ZodType<unknown, string>>(item: T) {
  return commaList(item).refine(
    (items) => new Set(items).size === items.length,
    'lists an item twice',
  );
}

// A voxel grid written NxNxN (x, y, z), e.g. 64x64x40.
export const gridSize = z.string().transform((given, ctx) => {
  const match = /^\s*(\d+)\s*x\s*(\d+)\s*x\s*(\d+)\s*$/i.exec(given);
  if (match)
    return [Number(match[1]), Number(match[2]), Number(match[3])] as [number, number, number];
  ctx.addIssue({
    code: 'custom',
    message: `"${given}" is not a grid size: write it as NxNxN voxels (x, y, z), e.g. 64x64x40`,
  });
  return z.NEVER;
});

// A JSON object, e.g. '{"steps": 20}'.
export const jsonObject = z.string().transform((given, ctx) => {
  try {
    const value: unknown = JSON.parse(given);
    if (value && typeof value === 'object' && !Array.isArray(value))
      return value as Record<string, unknown>;
  } catch {
    // reported below
  }
  ctx.addIssue({ code: 'custom', message: `${given} is not a JSON object, e.g. '{"steps": 200}'` });
  return z.NEVER;
});
