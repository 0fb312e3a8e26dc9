import { existsSync, readFileSync } from 'node:fs';

// The start time of a process as Linux reports it (field 22 of /proc/PID/stat, in clock ticks
// since boot), to tell a live holder from an unrelated process that reused its pid. Undefined
// where /proc is not available.
export function readProcessStart(pid: number): string | undefined {
  const fields = readStatFields(pid);
  return fields?.[19];
}

// Whether a process on this machine is running: it exists, is not a zombie and, when its start
// time was recorded, is the same process that recorded it.
export function isProcessAlive(pid: number, recordedStart?: string | null): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    // EPERM: it exists but belongs to someone else.
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  const fields = readStatFields(pid);
  // No stat file: gone if this system has /proc, unknown (so alive) otherwise.
  if (fields === undefined) return !existsSync('/proc/self/stat');
  if (fields[0] === 'Z') return false;
  return recordedStart == null || fields[19] === recordedStart;
}

// The fields of /proc/PID/stat after the command name, starting with the state (field 3).
function readStatFields(pid: number): string[] | undefined {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
}
