import { UserError } from '../errors.js';

const PLACEHOLDER = /\{([A-Za-z][A-Za-z0-9_]*)\}/g;

// The placeholder names (`{request}` -> "request") used in an argv template.
export function placeholdersOf(template: readonly string[]): string[] {
  const names = new Set<string>();
  for (const element of template) for (const m of element.matchAll(PLACEHOLDER)) names.add(m[1]!);
  return [...names];
}

// Replaces `{name}` in every element of an argv template by its value. Each element stays one
// argument whatever the value holds (no shell, no splitting); an unknown name is a user error.
export function expandArgv(
  template: readonly string[],
  values: Readonly<Record<string, string>>,
): string[] {
  return template.map((element) =>
    element.replace(PLACEHOLDER, (whole, name: string) => {
      const value = values[name];
      if (value === undefined) {
        throw new UserError(`unknown placeholder ${whole} in command ${JSON.stringify(template)}`, {
          hint: `valid placeholders: ${Object.keys(values)
            .map((n) => `{${n}}`)
            .join(', ')}`,
        });
      }
      return value;
    }),
  );
}
