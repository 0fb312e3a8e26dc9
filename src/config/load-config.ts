import { readFile } from 'node:fs/promises';
import { dirname, isAbsolute, resolve } from 'node:path';
import { parseDocument } from 'yaml';
import type { z } from 'zod';
import { UserError } from '../errors.js';

// Reads a YAML file (comments allowed) and validates it against a zod schema. Every problem is
// a UserError naming the file, the line for YAML syntax, and the exact path for schema errors.
export async function loadYamlConfig<S extends z.ZodType>(
  path: string,
  schema: S,
): Promise<z.output<S>> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new UserError(
      `config file ${path}: ${code === 'ENOENT' ? 'not found' : `cannot be read (${code})`}`,
      {
        hint: 'pass an existing YAML file with --config, e.g. configs/demo.yaml',
      },
    );
  }
  return parseYamlConfig(text, path, schema);
}

// Parses and validates YAML text; `source` names it in messages.
export function parseYamlConfig<S extends z.ZodType>(
  text: string,
  source: string,
  schema: S,
): z.output<S> {
  const document = parseDocument(text, { prettyErrors: true });
  const first = document.errors[0];
  if (first) {
    const where = first.linePos?.[0]
      ? ` (line ${first.linePos[0].line}, column ${first.linePos[0].col})`
      : '';
    throw new UserError(
      `config file ${source}: invalid YAML${where}: ${first.message.split('\n')[0]}`,
      {
        hint: 'fix the YAML syntax at that line (indentation, a missing colon, an unclosed quote or bracket)',
      },
    );
  }
  return validateConfig(document.toJS() ?? {}, source, schema);
}

// Validates a plain value (a parsed config after flag overrides) against the schema.
export function validateConfig<S extends z.ZodType>(
  value: unknown,
  source: string,
  schema: S,
): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const lines = result.error.issues
    .flatMap((issue) => closestIssues(issue, []))
    .slice(0, 8)
    .map(
      ({ path, message }) => `  ${path.length > 0 ? path.join('.') : '(top level)'}: ${message}`,
    );
  throw new UserError(`config file ${source} is not valid:\n${lines.join('\n')}`, {
    hint: 'see configs/demo.yaml for a complete, commented example',
  });
}

// Resolves a path from a config: "{package}" is the package root, relative paths are taken
// from the config file's folder.
export function resolveConfigPath(path: string, configFile: string, packageRoot: string): string {
  const expanded = path.replaceAll('{package}', packageRoot);
  return isAbsolute(expanded) ? expanded : resolve(dirname(configFile), expanded);
}

type Issue = { path: PropertyKey[]; message: string };

// An issue with its full path; a value that matches none of a union's shapes ("Invalid input")
// is explained by the shape it came closest to: the one whose problems lie deepest in it (the
// demo data with a misspelt count, rather than the dataset form it is not). E.g.
// `data.demo.labeled: Invalid input: expected number, received string`.
function closestIssues(issue: z.core.$ZodIssue, prefix: PropertyKey[]): Issue[] {
  const path = [...prefix, ...issue.path];
  if (issue.code !== 'invalid_union' || issue.errors.length === 0)
    return [{ path, message: issue.message }];
  const depth = (branch: z.core.$ZodIssue[]) => Math.max(...branch.map((i) => i.path.length));
  const closest = issue.errors.reduce((best, branch) =>
    depth(branch) > depth(best) ? branch : best,
  );
  return closest.flatMap((inner) => closestIssues(inner, path));
}
