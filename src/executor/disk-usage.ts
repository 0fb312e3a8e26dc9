import { lstat, readdir } from 'node:fs/promises';
import { join } from 'node:path';

// Total size in bytes of the files under each path (a file or a folder; missing paths count 0;
// symbolic links are not followed).
export async function diskUsage(paths: readonly string[]): Promise<number> {
  let total = 0;
  for (const path of paths) total += await sizeOf(path);
  return total;
}

async function sizeOf(path: string): Promise<number> {
  let info: Awaited<ReturnType<typeof lstat>>;
  try {
    info = await lstat(path);
  } catch {
    return 0;
  }
  if (!info.isDirectory()) return info.isFile() ? info.size : 0;
  let total = 0;
  for (const entry of await readdir(path).catch(() => [] as string[])) {
    total += await sizeOf(join(path, entry));
  }
  return total;
}
