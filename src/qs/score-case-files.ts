import os from 'node:os';
import { Worker } from 'node:worker_threads';
import { UserError } from '../errors.js';
import type { QsBundle } from './bundle.js';
import { type QsCaseFiles, openCaseFiles } from './case-sources.js';
import type { CaseWorkerData, FromCaseWorker, PostedError } from './case-worker-messages.js';
import { type QsCaseScore, scoreCases } from './score-cases.js';
import { openQsSession } from './session.js';

// Scores cases given by their files, yielding each case's scores in input order.
//
// workers 0: on this thread, one ONNX Runtime session with `threads` intra-op threads (0: ONNX
// Runtime's default, one per core); reading and preprocessing alternate with inference.
// workers N: N worker threads, each reading, preprocessing and scoring whole cases with its own
// session of `threads` threads (0: the cores shared out, at least 1). The cores then never wait
// for one another: on the 2-core machine this project is built on, 2 workers of 1 thread score
// the shipped model's cases ~20% faster than one session of 2 threads (bench:qs-throughput).
// Each worker holds one case's volumes and its own session in memory.

export interface CaseFileScoringOptions {
  batchSize?: number;
  workers?: number;
  threads?: number;
}

// The default worker count: 2 where there are 2 cores or more (most of the gain, and memory
// for two cases), else none.
export function defaultQsWorkers(): number {
  return os.availableParallelism() >= 2 ? 2 : 0;
}

export async function* scoreCaseFiles(
  bundle: QsBundle,
  cases: Iterable<QsCaseFiles>,
  options: CaseFileScoringOptions = {},
): AsyncGenerator<QsCaseScore> {
  const workers = options.workers ?? 0;
  const batchSize = options.batchSize ?? 32;
  if (workers <= 0) {
    const session = await openQsSession(bundle, { threads: options.threads ?? 0 });
    try {
      async function* sources() {
        for (const files of cases) yield await openCaseFiles(files);
      }
      yield* scoreCases(bundle, session, sources(), { batchSize });
    } finally {
      await session.dispose();
    }
    return;
  }
  const threads =
    options.threads && options.threads > 0
      ? options.threads
      : Math.max(1, Math.floor(os.availableParallelism() / workers));
  yield* scoreInWorkers(bundle, [...cases], workers, { bundleDir: bundle.dir, threads, batchSize });
}

// Cases a worker may hold at once: the one it preprocesses and the next, so that its batches
// run on across case boundaries.
const CASES_PER_WORKER = 2;

interface CaseWorker {
  worker: Worker;
  holding: number;
  done: boolean;
  exited: Promise<void>;
}

async function* scoreInWorkers(
  bundle: QsBundle,
  cases: QsCaseFiles[],
  count: number,
  data: CaseWorkerData,
): AsyncGenerator<QsCaseScore> {
  if (cases.length === 0) return;
  const events: FromCaseWorker[] = [];
  let wake: (() => void) | undefined;
  const push = (event: FromCaseWorker) => {
    events.push(event);
    wake?.();
  };
  const pool: CaseWorker[] = [];
  for (let i = 0; i < Math.min(count, cases.length); i++) {
    const worker = new Worker(new URL('./case-worker.js', import.meta.url), { workerData: data });
    const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
    const entry: CaseWorker = { worker, holding: 0, done: false, exited };
    worker.on('message', (event: FromCaseWorker) => {
      if (event.type === 'result') entry.holding--;
      if (event.type === 'done') entry.done = true;
      push(event);
    });
    worker.on('error', (error) => push({ type: 'failed', error: postedError(error) }));
    worker.on('exit', (code) => {
      if (!entry.done)
        push({
          type: 'failed',
          error: { userError: false, message: `QS case worker exited (code ${code})` },
        });
    });
    pool.push(entry);
  }
  let next = 0;
  let emitted = 0;
  const finished = new Map<number, QsCaseScore>();
  // Hands out cases to the workers holding fewest, up to CASES_PER_WORKER each; then `end`.
  const handOut = () => {
    for (;;) {
      const free = pool
        .filter((w) => w.holding < CASES_PER_WORKER)
        .sort((a, b) => a.holding - b.holding)[0];
      if (free === undefined || next >= cases.length) break;
      free.worker.postMessage({ type: 'case', index: next, files: cases[next] });
      free.holding++;
      next++;
    }
    if (next >= cases.length) for (const w of pool) w.worker.postMessage({ type: 'end' });
  };
  try {
    handOut();
    while (emitted < cases.length) {
      const event = events.shift();
      if (event === undefined) {
        await new Promise<void>((resolve) => {
          wake = resolve;
        });
        wake = undefined;
        continue;
      }
      if (event.type === 'failed') throw revived(event.error, bundle);
      if (event.type !== 'result') continue;
      finished.set(event.index, event.result);
      if (next < cases.length) handOut();
      for (let r = finished.get(emitted); r !== undefined; r = finished.get(emitted)) {
        finished.delete(emitted);
        emitted++;
        yield r;
      }
    }
  } finally {
    // Done, failed or abandoned by the consumer: each worker finishes what it runs and exits.
    for (const w of pool) w.worker.postMessage({ type: 'stop' });
    await Promise.all(pool.map((w) => w.exited));
  }
}

function postedError(error: unknown): PostedError {
  const e = error instanceof Error ? error : new Error(String(error));
  return { userError: false, message: e.message, stack: e.stack };
}

// The error a worker posted, as thrown on this thread.
function revived(error: PostedError, bundle: QsBundle): Error {
  if (error.userError)
    return new UserError(error.message, {
      ...(error.hint === undefined ? {} : { hint: error.hint }),
      ...(error.exitCode === undefined ? {} : { exitCode: error.exitCode }),
    });
  const e = new Error(`QS case worker (${bundle.manifest.name}): ${error.message}`);
  if (error.stack) e.stack = `${e.message}\n  in the worker: ${error.stack}`;
  return e;
}
