// How the benches measure one run in its own process: the child reads its own peak RSS
// (VmHWM, exact, not sampled) from /proc/self/status when it is done and prints one JSON line;
// the parent runs it and parses that line. Python children do the same (bench/*.py).

import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

// A field of /proc/self/status in bytes: 'VmHWM' (peak resident set) or 'VmRSS' (now).
export function procStatusBytes(field: 'VmHWM' | 'VmRSS'): number {
  const line = readFileSync('/proc/self/status', 'utf8')
    .split('\n')
    .find((l) => l.startsWith(`${field}:`));
  return Number(line?.split(/\s+/)[1] ?? 0) * 1024;
}

// Runs argv (program first) to completion and parses the JSON it printed on stdout.
export function runChildJson<T>(argv: readonly string[]): T {
  return JSON.parse(
    execFileSync(argv[0]!, argv.slice(1), { encoding: 'utf8', maxBuffer: 1 << 24 }),
  ) as T;
}
