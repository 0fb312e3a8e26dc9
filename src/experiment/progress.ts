// Progress of a run on stderr: a bar with counts and ETA on a terminal, plain lines otherwise.
export interface Progress {
  skipped(label: string): void;
  started(label: string): void;
  finished(label: string, seconds: number): void;
  failed(label: string, message: string, logPath: string, willRetry: boolean): void;
  note(message: string): void;
  done(): void;
}

// A progress display for `total` jobs.
export function createProgress(
  total: number,
  stream: NodeJS.WriteStream = process.stderr,
): Progress {
  const tty = stream.isTTY === true && process.env.CI === undefined;
  let finished = 0;
  let skipped = 0;
  let failed = 0;
  const running = new Set<string>();
  const started = Date.now();
  let workSeconds = 0;
  const bar = () => {
    if (!tty) return;
    const doneCount = finished + skipped + failed;
    const width = 28;
    const filled = Math.round((width * doneCount) / Math.max(1, total));
    const ran = finished + failed;
    const eta = ran > 0 ? ((Date.now() - started) / 1000 / ran) * (total - doneCount) : Number.NaN;
    const etaText = Number.isFinite(eta) ? ` ETA ${formatSeconds(eta)}` : '';
    const current = [...running].slice(0, 2).join(', ');
    const line = `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${doneCount}/${total}${etaText}  ${current}`;
    stream.write(`\r\x1b[2K${line.slice(0, (stream.columns ?? 100) - 1)}`);
  };
  const line = (text: string) => {
    if (tty) stream.write('\r\x1b[2K');
    stream.write(`${text}\n`);
    bar();
  };
  const count = () => `[${finished + skipped + failed}/${total}]`;
  return {
    skipped(label) {
      skipped++;
      if (!tty) line(`${count()} already done: ${label}`);
      else bar();
    },
    started(label) {
      running.add(label);
      bar();
    },
    finished(label, seconds) {
      running.delete(label);
      finished++;
      workSeconds += seconds;
      if (!tty) line(`${count()} done ${label} (${seconds.toFixed(1)} s)`);
      else bar();
    },
    failed(label, message, logPath, willRetry) {
      running.delete(label);
      if (!willRetry) failed++;
      line(`${willRetry ? 'retrying' : 'FAILED'} ${label}: ${message} (log: ${logPath})`);
    },
    note: line,
    done() {
      if (tty) stream.write('\r\x1b[2K');
      stream.write(
        `${finished} job(s) run, ${skipped} already done, ${failed} failed in ${formatSeconds((Date.now() - started) / 1000)}\n`,
      );
      void workSeconds;
    },
  };
}

function formatSeconds(s: number): string {
  return s < 90 ? `${s.toFixed(0)} s` : `${Math.floor(s / 60)} min ${Math.round(s % 60)} s`;
}
