import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

// A watchdog that stops this process's children when this process dies without doing it
// (kill -9, an out-of-memory kill): a small process, outside the terminal's process group,
// to which each child's process group is reported as it starts and ends over a pipe. When the
// pipe closes (this process is gone) it SIGKILLs the groups still listed, within moments,
// where the engines would otherwise run on under PID 1 until the next run stops them.
// It is the runner's own guard, not a job, so it is spawned here rather than through
// runProcess (run-process.ts): nothing of it is measured or logged.

const program = fileURLToPath(new URL('./watchdog-main.js', import.meta.url));
let watchdog: ChildProcess | undefined;
let failed = false;

// Reports a child's process group to the watchdog (started on first use).
export function watchGroup(pgid: number): void {
  send(`+${pgid}\n`);
}

// Reports that a child's process group has ended.
export function unwatchGroup(pgid: number): void {
  send(`-${pgid}\n`);
}

function send(line: string): void {
  const dog = watchdog ?? start();
  dog?.stdin?.write(line);
}

function start(): ChildProcess | undefined {
  if (failed) return undefined;
  try {
    const dog = spawn(process.execPath, [program], {
      stdio: ['pipe', 'ignore', 'ignore'],
      detached: true,
    });
    dog.on('error', () => {
      failed = true;
      watchdog = undefined;
    });
    dog.stdin?.on('error', () => {});
    // Neither the watchdog nor its pipe keeps this process alive.
    dog.unref();
    (dog.stdin as unknown as { unref?: () => void } | null)?.unref?.();
    watchdog = dog;
    return dog;
  } catch {
    failed = true;
    return undefined;
  }
}
