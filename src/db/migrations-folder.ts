import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

// The drizzle/ folder of the installed package, found by walking up from this module, so it
// works from dist/src/db/ (built or installed globally) and from src/db/ alike.
export function findMigrationsFolder(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = join(dir, 'drizzle');
    if (existsSync(join(candidate, 'meta', '_journal.json'))) return candidate;
    const parent = dirname(dir);
    if (parent === dir) {
      throw new Error(
        `drizzle/ migrations folder not found above ${fileURLToPath(import.meta.url)}`,
      );
    }
    dir = parent;
  }
}
