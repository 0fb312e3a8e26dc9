import type { Job, JobRecord } from './job.js';

// How progress is shown: a redrawn bar (TTY), one line per event, or nothing; 'auto' picks the
// bar when the stream is a TTY.
export type ProgressMode = 'auto' | 'bar' | 'lines' | 'none';

// What an executor tells the progress display.
export interface ProgressReporter {
  // A job found already done (a resumed run): counted, not run.
  reused(label: string): void;
  started(job: Job<unknown>, attempt: number): void;
  finished(record: JobRecord<unknown>): void;
  retrying(job: Job<unknown>, attempt: number, message: string): void;
  stop(): void;
}

// The stream a reporter writes to (process.stderr by default); isTTY/columns when a terminal.
export interface ProgressStream {
  write(text: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

// Makes the reporter for `total` jobs.
export function createProgressReporter(
  total: number,
  options: { mode?: ProgressMode; stream?: ProgressStream; title?: string } = {},
): ProgressReporter {
  const stream = options.stream ?? process.stderr;
  const mode =
    options.mode === undefined || options.mode === 'auto'
      ? stream.isTTY
        ? 'bar'
        : 'lines'
      : options.mode;
  const state = {
    total,
    done: 0,
    failed: 0,
    // Counted as done without running: left out of the ETA.
    reused: 0,
    running: new Map<string, string>(),
    startedAt: Date.now(),
  };
  const title = options.title ? `${options.title} ` : '';
  if (mode === 'none')
    return { reused() {}, started() {}, finished() {}, retrying() {}, stop() {} };
  if (mode === 'lines') {
    const counter = () => `[${state.done}/${state.total}]`;
    return {
      reused(label) {
        state.done += 1;
        stream.write(`${title}${counter()} already done: ${label}\n`);
      },
      started() {},
      finished(record) {
        state.done += 1;
        const seconds = (record.finishedAt.getTime() - record.startedAt.getTime()) / 1000;
        if (record.outcome.ok)
          stream.write(`${title}${counter()} done ${record.label} (${seconds.toFixed(1)} s)\n`);
        else {
          state.failed += 1;
          stream.write(
            `${title}${counter()} FAILED ${record.label}: ${record.outcome.reason}: ${record.outcome.message}\n`,
          );
          if (record.outcome.logPath) stream.write(`  log: ${record.outcome.logPath}\n`);
        }
      },
      retrying(job, attempt, message) {
        stream.write(
          `${title}${counter()} retrying ${job.label} (attempt ${attempt}) after: ${message}\n`,
        );
      },
      stop() {},
    };
  }
  const draw = () => {
    const width = Math.max(40, (stream.columns ?? 80) - 1);
    const fraction = state.total === 0 ? 1 : state.done / state.total;
    const barWidth = 20;
    const filled = Math.round(fraction * barWidth);
    const elapsed = (Date.now() - state.startedAt) / 1000;
    const ran = state.done - state.reused;
    const eta = ran === 0 ? '?' : formatDuration((elapsed / ran) * (state.total - state.done));
    const failed = state.failed > 0 ? ` ${state.failed} failed` : '';
    const current = [...state.running.values()].at(-1) ?? '';
    const line = `${title}[${'#'.repeat(filled)}${'.'.repeat(barWidth - filled)}] ${state.done}/${state.total}${failed} | ${state.running.size} running | ETA ${eta} | ${current}`;
    stream.write(`\r\x1b[2K${line.slice(0, width)}`);
  };
  const above = (text: string) => {
    stream.write(`\r\x1b[2K${text}\n`);
    draw();
  };
  const timer = setInterval(draw, 1000);
  timer.unref();
  draw();
  return {
    reused() {
      state.done += 1;
      state.reused += 1;
      draw();
    },
    started(job) {
      state.running.set(job.key, job.label);
      draw();
    },
    finished(record) {
      state.running.delete(record.key);
      state.done += 1;
      if (!record.outcome.ok) {
        state.failed += 1;
        const log = record.outcome.logPath ? ` (log: ${record.outcome.logPath})` : '';
        above(`FAILED ${record.label}: ${record.outcome.reason}: ${record.outcome.message}${log}`);
      } else draw();
    },
    retrying(job, attempt, message) {
      above(`retrying ${job.label} (attempt ${attempt}) after: ${message}`);
    },
    stop() {
      clearInterval(timer);
      draw();
      stream.write('\n');
    },
  };
}

// 75 -> "1m15s", 3700 -> "1h01m", 12 -> "12s".
export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}
