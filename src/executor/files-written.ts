import { lstat, readdir } from 'node:fs/promises';
import { join } from 'node:path';

// The files under some paths, each with what identifies its content's version.
export type DiskSnapshot = Map<string, { size: number; version: string }>;

// Lists the files under each path (a file or a folder; missing paths hold none; symbolic links
// are not followed).
export async function snapshotFiles(paths: readonly string[]): Promise<DiskSnapshot> {
  const files: DiskSnapshot = new Map();
  for (const path of paths) await walk(path, files);
  return files;
}

// The bytes a job wrote under its output paths: the size of every file that is new since
// `before` or was rewritten (other inode, size or modification time). A file rewritten in place
// counts whole; a file deleted counts nothing.
export async function bytesWritten(
  before: DiskSnapshot,
  paths: readonly string[],
): Promise<number> {
  let total = 0;
  for (const [path, now] of await snapshotFiles(paths)) {
    if (before.get(path)?.version !== now.version) total += now.size;
  }
  return total;
}

async function walk(path: string, files: DiskSnapshot): Promise<void> {
  let info: Awaited<ReturnType<typeof lstat>> & { ino: bigint; mtimeNs: bigint; size: bigint };
  try {
    info = await lstat(path, { bigint: true });
  } catch {
    return;
  }
  if (info.isFile()) {
    files.set(path, {
      size: Number(info.size),
      version: `${info.ino}:${info.size}:${info.mtimeNs}`,
    });
  } else if (info.isDirectory()) {
    // A few entries at a time: their lstat round trips overlap (a pool prediction's folder
    // holds a file per case; one by one, 1,000 of them took ~0.1 s).
    const entries = await readdir(path).catch(() => [] as string[]);
    for (let i = 0; i < entries.length; i += ENTRIES_AT_ONCE) {
      const batch = entries.slice(i, i + ENTRIES_AT_ONCE);
      await Promise.all(batch.map((entry) => walk(join(path, entry), files)));
    }
  }
}

const ENTRIES_AT_ONCE = 16;
