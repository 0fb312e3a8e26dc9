import type { ProgressStream } from '../executor/progress-reporter.js';

// The progress of `sentinel score` on a terminal: one line, redrawn at most every 200 ms, with
// the cases scored, the rate and the time left; warnings are printed above it. On anything
// else (a log file, a pipe) only the warnings are written.
export interface CaseProgress {
  // `done` of the cases are scored.
  update(done: number): void;
  warn(message: string): void;
  // Clears the line (the summary follows).
  stop(): void;
}

const REDRAW_MS = 200;

export function caseProgress(
  total: number,
  stream: ProgressStream = process.stderr,
  now: () => number = Date.now,
): CaseProgress {
  const startedAt = now();
  let done = 0;
  let drawnAt = Number.NEGATIVE_INFINITY;
  let shown = false;
  const line = () => {
    const seconds = (now() - startedAt) / 1000;
    const rate = seconds > 0 ? done / seconds : 0;
    const left =
      rate > 0 ? ` (${rate.toFixed(1)} cases/s, ${duration((total - done) / rate)} left)` : '';
    return `scoring: ${done}/${total} cases${left}`;
  };
  const draw = () => {
    stream.write(`\r${line()}\x1b[K`);
    shown = true;
    drawnAt = now();
  };
  const clear = () => {
    if (shown) stream.write('\r\x1b[K');
    shown = false;
  };
  if (!stream.isTTY)
    return { update() {}, warn: (m) => stream.write(`warning: ${m}\n`), stop() {} };
  return {
    update(n) {
      done = n;
      if (now() - drawnAt >= REDRAW_MS || done === total) draw();
    },
    warn(message) {
      clear();
      stream.write(`warning: ${message}\n`);
      draw();
    },
    stop: clear,
  };
}

// 75 -> "1 min 15 s", 12 -> "12 s", 7300 -> "2 h 2 min".
function duration(seconds: number): string {
  const s = Math.round(seconds);
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${s % 60} s`;
  return `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`;
}
