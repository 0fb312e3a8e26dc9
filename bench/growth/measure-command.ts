import { readFileSync } from 'node:fs';
import { execa } from 'execa';

// A command's wall time and its own process's CPU time and peak RSS (children not counted).
export interface Measured {
  startedAt: number;
  wallS: number;
  cpuS: number;
  peakRssBytes: number;
}

const TICKS_PER_SECOND = 100;

// Runs a command to its end (a non-zero exit throws, with its stderr) and samples
// /proc/PID/status (VmHWM) and /proc/PID/stat (utime + stime) every 50 ms while it runs.
export async function measureCommand(file: string, args: string[]): Promise<Measured> {
  const startedAt = Date.now();
  const child = execa(file, args, { reject: false, all: true });
  let peakRssBytes = 0;
  let cpuS = 0;
  const sample = () => {
    try {
      const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
      const hwm = Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1] ?? 0) * 1024;
      peakRssBytes = Math.max(peakRssBytes, hwm);
      const fields = readFileSync(`/proc/${child.pid}/stat`, 'utf8').split(') ')[1]?.split(' ');
      cpuS = (Number(fields?.[11]) + Number(fields?.[12])) / TICKS_PER_SECOND || cpuS;
    } catch {
      // gone between two samples: the last sample stands
    }
  };
  const timer = setInterval(sample, 50);
  const result = await child;
  clearInterval(timer);
  if (result.exitCode !== 0)
    throw new Error(`${args.slice(0, 2).join(' ')} exited ${result.exitCode}:\n${result.all}`);
  return { startedAt, wallS: (Date.now() - startedAt) / 1000, cpuS, peakRssBytes };
}
