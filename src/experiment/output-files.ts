import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { OutputFile } from '../db/schema.js';
import { digestFile } from './file-digest.js';

// Logs are appended to by whoever reads a job again (and are not inputs of any other job).
const isLog = (path: string) => path.endsWith('.log');

// The files a finished job wrote into its folder, each with its size and sha256, in path order.
export async function recordOutputFiles(dir: string): Promise<OutputFile[]> {
  const names = (await readdir(dir, { recursive: true })).filter((n) => !isLog(n)).sort();
  const files: OutputFile[] = [];
  let since = performance.now();
  for (const path of names) {
    const digest = await digestFile(join(dir, path));
    if (digest) files.push({ path, ...digest });
    // Small files are hashed synchronously: let the other jobs' events through now and then.
    if (performance.now() - since > YIELD_AFTER_MS) {
      await new Promise(setImmediate);
      since = performance.now();
    }
  }
  return files;
}

const YIELD_AFTER_MS = 20;

// What is wrong with a job's recorded files now: each problem in a few words, none when all are
// there with their recorded size (and, with `hash`, their recorded sha256). A job recorded
// without a list (before it was kept) is only checked for its folder.
export async function findChangedOutputs(
  dir: string,
  recorded: readonly OutputFile[] | null,
  options: { hash: boolean },
): Promise<string[]> {
  const folder = await stat(dir).catch(() => undefined);
  if (!folder?.isDirectory()) return [`its folder ${dir} is missing`];
  const problems: string[] = [];
  for (const file of recorded ?? []) {
    const path = join(dir, file.path);
    const info = await stat(path).catch(() => undefined);
    if (!info?.isFile()) problems.push(`${path} is missing`);
    else if (info.size !== file.size)
      problems.push(`${path} changed (${file.size} bytes recorded, ${info.size} now)`);
    else if (options.hash && (await digestFile(path))?.sha256 !== file.sha256)
      problems.push(`${path} changed (same size, other content)`);
  }
  return problems;
}
