import { statfsSync } from 'node:fs';

// Below this much free space, a failed engine job may well have met a full disk.
const LOW_BYTES = 64 * 1024 * 1024;

// A note for the failure summary when the run folder's disk is (nearly) full: an engine that
// cannot write its outputs fails with its own message, which may not say so. Empty otherwise.
export function lowDiskNote(runDir: string): string {
  try {
    const { bavail, bsize } = statfsSync(runDir);
    const free = Number(bavail) * Number(bsize);
    if (free >= LOW_BYTES) return '';
    return `; the disk of ${runDir} has only ${(free / 1024 / 1024).toFixed(1)} MB free: a full disk may be the cause (free some space first)`;
  } catch {
    return '';
  }
}
