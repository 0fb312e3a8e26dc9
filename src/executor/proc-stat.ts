import { readFileSync, readdirSync } from 'node:fs';

// One process as /proc/<pid>/stat shows it: the fields the cost meter needs.
export interface ProcStat {
  pid: number;
  state: string;
  ppid: number;
  pgid: number;
  sid: number;
  // CPU seconds of the process itself (utime + stime) and of its reaped children (cutime + cstime).
  ownCpu: number;
  childrenCpu: number;
  // Start time in clock ticks since boot: with the pid, it names one process (pids are reused).
  startTicks: number;
  rssBytes: number;
}

// The kernel reports times in USER_HZ, which is 100 on every Linux architecture Node runs on.
const CLOCK_TICKS_PER_SECOND = 100;

// Whether this machine has a /proc the meter can read (Linux).
export const procAvailable: boolean = (() => {
  try {
    readFileSync('/proc/self/stat', 'latin1');
    return true;
  } catch {
    return false;
  }
})();

// The page size, found once by comparing the rss of /proc/self/statm (pages) with VmRSS of
// /proc/self/status (kB), rounded to a power of two (4096 on x86-64, 4096 or 65536 on arm64).
export const pageSize: number = (() => {
  if (!procAvailable) return 4096;
  try {
    const pages = Number(readFileSync('/proc/self/statm', 'latin1').split(' ')[1]);
    const kb = Number(/VmRSS:\s+(\d+)/.exec(readFileSync('/proc/self/status', 'latin1'))?.[1]);
    const guess = (kb * 1024) / pages;
    return Number.isFinite(guess) && guess > 0 ? 2 ** Math.round(Math.log2(guess)) : 4096;
  } catch {
    return 4096;
  }
})();

// Parses the text of /proc/<pid>/stat (the command name may hold spaces and parentheses).
export function parseProcStat(text: string): ProcStat | undefined {
  const close = text.lastIndexOf(')');
  if (close < 0) return undefined;
  const pid = Number.parseInt(text, 10);
  const f = text.slice(close + 2).split(' ');
  // f[0] is field 3 (state) of proc(5); field n is f[n - 3].
  const num = (field: number) => Number(f[field - 3]);
  if (f.length < 22 || !Number.isFinite(pid)) return undefined;
  return {
    pid,
    state: f[0] ?? '?',
    ppid: num(4),
    pgid: num(5),
    sid: num(6),
    ownCpu: (num(14) + num(15)) / CLOCK_TICKS_PER_SECOND,
    childrenCpu: (num(16) + num(17)) / CLOCK_TICKS_PER_SECOND,
    startTicks: num(22),
    rssBytes: num(24) * pageSize,
  };
}

// Reads one process's stat, or undefined when it is gone.
export function readProcStat(pid: number | 'self'): ProcStat | undefined {
  try {
    return parseProcStat(readFileSync(`/proc/${pid}/stat`, 'latin1'));
  } catch {
    return undefined;
  }
}

// Reads every process's stat (one pass over /proc).
export function readAllProcStats(): ProcStat[] {
  const all: ProcStat[] = [];
  for (const entry of readdirSync('/proc')) {
    const c = entry.charCodeAt(0);
    if (c < 48 || c > 57) continue;
    const stat = readProcStat(Number(entry));
    if (stat) all.push(stat);
  }
  return all;
}
