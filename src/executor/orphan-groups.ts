import { rmSync, writeFileSync } from 'node:fs';
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { readAllProcStats, readProcStat } from './proc-stat.js';

// A child's process group, written beside its log while it runs and removed when it ends. If the
// orchestrator is killed (kill -9, a lost terminal) the file stays, and the next run stops the
// group before it redoes the job: an orphaned engine would otherwise go on using the CPU.

// The file that records the process group of the child logging to `logPath`.
export function groupFileOf(logPath: string): string {
  return `${logPath}.group`;
}

interface RecordedGroup {
  pgid: number;
  // The leader's start time (clock ticks since boot): with the pgid, it names one group even
  // after pids are reused.
  startTicks: number;
}

// Records the group led by `pid` (best effort: without /proc nothing is written). Synchronous,
// so that nothing can happen between the spawn and the record.
export function recordGroup(logPath: string, pid: number): void {
  const leader = readProcStat(pid);
  if (!leader) return;
  const record: RecordedGroup = { pgid: pid, startTicks: leader.startTicks };
  try {
    writeFileSync(groupFileOf(logPath), `${JSON.stringify(record)}\n`);
  } catch {
    // Not recorded: an orphan of this child would only be stopped by hand.
  }
}

// Forgets the record once the child has ended.
export function forgetGroup(logPath: string): void {
  rmSync(groupFileOf(logPath), { force: true });
}

// SIGKILLs every process still in a recorded group: those with its pgid that started no earlier
// than its leader (a reused pgid belongs to a later leader, whose start time differs). Returns
// how many processes were signalled.
export function stopRecordedGroup(record: RecordedGroup): number {
  const leader = readProcStat(record.pgid);
  if (leader && leader.startTicks !== record.startTicks) return 0;
  const members = readAllProcStats().filter(
    (p) => p.pgid === record.pgid && p.startTicks >= record.startTicks && p.pid !== process.pid,
  );
  if (members.length === 0) return 0;
  try {
    process.kill(-record.pgid, 'SIGKILL');
  } catch {
    return 0;
  }
  return members.length;
}

// Stops the groups recorded anywhere under `dir` (a killed attempt's folder). Returns how many
// processes were signalled.
export async function stopOrphanedGroups(dir: string): Promise<number> {
  const names = await readdir(dir, { recursive: true }).catch(() => [] as string[]);
  let stopped = 0;
  for (const name of names.filter((n) => n.endsWith('.log.group'))) {
    try {
      const record = JSON.parse(await readFile(join(dir, name), 'utf8')) as RecordedGroup;
      if (Number.isInteger(record.pgid) && record.pgid > 1 && Number.isFinite(record.startTicks))
        stopped += stopRecordedGroup(record);
    } catch {
      // An unreadable record (cut short by the kill): nothing to stop by it.
    }
  }
  return stopped;
}
