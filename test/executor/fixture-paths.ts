import { fileURLToPath } from 'node:url';

// A fixture program under test/fixtures/ (the sources, not dist/).
export function fixturePath(relative: string): string {
  return fileURLToPath(new URL(`../../../test/fixtures/${relative}`, import.meta.url));
}
