import { unwatchGroup, watchGroup } from './parent-watchdog.js';

// The orchestrator's side of Ctrl-C: every running child leads its own process group, and on
// SIGINT/SIGTERM/SIGHUP those groups are stopped and nothing is left running.
//
// While any child runs (or an executor holds the handlers), SIGINT, SIGTERM and SIGHUP (a
// closed terminal or ssh session) are caught alike: the
// first aborts interruptSignal(), on which every runner stops its process group (SIGTERM, then
// SIGKILL after a grace period) and the executor rejects with a user-facing error; a second
// signal kills every group at once and exits. Should anything keep the process alive after an
// interrupt, it exits on its own after 15 s. On exit, any group still known is SIGKILLed.

const groups = new Set<number>();
let holds = 0;
let installed = false;
let received: NodeJS.Signals | undefined;
const controller = new AbortController();

// The signals that interrupt a run.
const INTERRUPTS: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

// Aborted (with the signal's name as reason) once SIGINT, SIGTERM or SIGHUP has been received.
export function interruptSignal(): AbortSignal {
  return controller.signal;
}

// The signal that interrupted this process, if one did.
export function interruptedBy(): NodeJS.Signals | undefined {
  return received;
}

// The exit code a shell uses for a process ended by `signal` (130 for SIGINT, 143 for SIGTERM,
// 129 for SIGHUP).
export function signalExitCode(signal: NodeJS.Signals): number {
  return signal === 'SIGINT' ? 130 : signal === 'SIGTERM' ? 143 : signal === 'SIGHUP' ? 129 : 1;
}

// Registers a running child's process group; returns the function that forgets it.
// The watchdog (parent-watchdog.ts) stops the group should this process die without doing it.
export function trackProcessGroup(pgid: number): () => void {
  groups.add(pgid);
  watchGroup(pgid);
  update();
  return () => {
    groups.delete(pgid);
    unwatchGroup(pgid);
    update();
  };
}

// Keeps the signal handlers installed (e.g. for a whole executor run, between children).
export function holdInterruptHandlers(): () => void {
  holds += 1;
  update();
  let released = false;
  return () => {
    if (released) return;
    released = true;
    holds -= 1;
    update();
  };
}

// Sends `signal` to a whole process group, ignoring a group that is already gone.
export function killProcessGroup(pgid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pgid, signal);
  } catch {
    // ESRCH: nothing left in the group
  }
}

function onSignal(signal: NodeJS.Signals): void {
  if (received) {
    for (const g of groups) killProcessGroup(g, 'SIGKILL');
    process.exit(signalExitCode(received));
  }
  received = signal;
  // The terminal is gone: writing to it fails (EIO), which must not crash the clean stop.
  if (signal === 'SIGHUP')
    for (const stream of [process.stdout, process.stderr]) stream.on('error', () => {});
  setTimeout(() => process.exit(signalExitCode(signal)), 15_000).unref();
  controller.abort(signal);
}

function update(): void {
  const wanted = groups.size > 0 || holds > 0 || received !== undefined;
  if (wanted && !installed) {
    for (const signal of INTERRUPTS) process.on(signal, onSignal);
    installed = true;
  } else if (!wanted && installed) {
    for (const signal of INTERRUPTS) process.off(signal, onSignal);
    installed = false;
  }
}

process.on('exit', () => {
  for (const g of groups) killProcessGroup(g, 'SIGKILL');
});
