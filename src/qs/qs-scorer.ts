import os from 'node:os';
import { Worker } from 'node:worker_threads';
import { UserError } from '../errors.js';
import type { QsBundle } from './bundle.js';
import { caseReading } from './case-reading.js';
import type { QsCaseFiles } from './case-sources.js';
import type { CaseWorkerData, FromCaseWorker, PostedError } from './case-worker-messages.js';
import { Mailbox } from './mailbox.js';
import { type QsCaseScore, scoreCases } from './score-cases.js';
import { type QsSession, openQsSession } from './session.js';

// A QS scorer: scores cases given by their files, call after call, yielding each case's scores
// in input order.
//
// workers 0: on this thread, one ONNX Runtime session with `threads` intra-op threads (0: ONNX
// Runtime's default, one per core); reading and preprocessing alternate with inference.
// workers N: N worker threads, each reading, preprocessing and scoring whole cases with its own
// session of `threads` threads (0: the cores shared out, at least 1), so that no core waits
// while another reads a case. Each worker holds one case's volumes and its own session.
// Measured on this project's 2-core machine: docs/qs-throughput.md.

export interface QsScorerOptions {
  batchSize?: number;
  workers?: number;
  threads?: number;
}

export interface QsScorer {
  // One call at a time.
  score(cases: Iterable<QsCaseFiles>): AsyncGenerator<QsCaseScore>;
  close(): Promise<void>;
}

// The default worker count: 2 where there are 2 cores or more, else none.
export function defaultQsWorkers(): number {
  return os.availableParallelism() >= 2 ? 2 : 0;
}

export async function openQsScorer(
  bundle: QsBundle,
  options: QsScorerOptions = {},
): Promise<QsScorer> {
  const workers = options.workers ?? 0;
  const batchSize = options.batchSize ?? 32;
  if (workers <= 0) {
    const session = await openQsSession(bundle, { threads: options.threads ?? 0 });
    return localScorer(bundle, session, batchSize);
  }
  const threads =
    options.threads && options.threads > 0
      ? options.threads
      : Math.max(1, Math.floor(os.availableParallelism() / workers));
  return openWorkerScorer(bundle, workers, { bundleDir: bundle.dir, threads, batchSize });
}

function localScorer(bundle: QsBundle, session: QsSession, batchSize: number): QsScorer {
  // The calls share the memory cases are read into: one at a time.
  const reading = caseReading();
  let busy = false;
  return {
    async *score(cases) {
      if (busy) throw new Error(ONE_CALL_AT_A_TIME);
      busy = true;
      try {
        async function* sources() {
          for (const files of cases) yield await reading.open(files);
        }
        yield* scoreCases(bundle, session, sources(), reading.options(batchSize));
      } finally {
        busy = false;
      }
    },
    close: () => session.dispose(),
  };
}

const ONE_CALL_AT_A_TIME = 'a QS scorer scores one call at a time';

interface CaseWorker {
  worker: Worker;
  exited: Promise<void>;
}

async function openWorkerScorer(
  bundle: QsBundle,
  count: number,
  data: CaseWorkerData,
): Promise<QsScorer> {
  const events = new Mailbox<{ from: CaseWorker; event: FromCaseWorker }>();
  let closing = false;
  const pool: CaseWorker[] = Array.from({ length: count }, () => {
    const worker = new Worker(new URL('./case-worker.js', import.meta.url), { workerData: data });
    const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
    const entry: CaseWorker = { worker, exited };
    const put = (event: FromCaseWorker) => events.put({ from: entry, event });
    worker.on('message', put);
    worker.on('error', (error) => put({ type: 'failed', error: postedError(error) }));
    worker.on('exit', (code) => {
      if (!closing)
        put({
          type: 'failed',
          error: { userError: false, message: `QS case worker exited (code ${code})` },
        });
    });
    return entry;
  });
  let broken: Error | undefined;
  const close = async () => {
    closing = true;
    for (const w of pool) w.worker.postMessage({ type: 'stop' });
    await Promise.all(pool.map((w) => w.exited));
  };
  // Every worker's session open, or the first failure (a bundle ONNX Runtime cannot load).
  for (let ready = 0; ready < count; ) {
    const { event } = await events.next();
    if (event.type === 'ready') ready++;
    else if (event.type === 'failed') {
      await close();
      throw revived(event.error, bundle);
    }
  }
  let busy = false;

  async function* score(input: Iterable<QsCaseFiles>): AsyncGenerator<QsCaseScore> {
    if (broken) throw broken;
    if (busy) throw new Error(ONE_CALL_AT_A_TIME);
    busy = true;
    const cases = [...input];
    let next = 0;
    let flushes = 0;
    let emitted = 0;
    const finished = new Map<number, QsCaseScore>();
    // A worker asks for its next case while it reads one (and is sent the first unasked); it
    // is answered at once, never made to wait for a result: a worker may need more cases
    // before it can run a batch. After the last case, each is told to flush.
    const sendNext = (to: CaseWorker) => {
      if (next < cases.length) {
        to.worker.postMessage({ type: 'case', index: next, files: cases[next] });
        next++;
      } else to.worker.postMessage({ type: 'flush' });
    };
    try {
      for (const w of pool) sendNext(w);
      while (flushes < pool.length || emitted < cases.length) {
        const { from, event } = await events.next();
        if (event.type === 'failed') {
          broken = revived(event.error, bundle);
          throw broken;
        }
        if (event.type === 'want') sendNext(from);
        if (event.type === 'flushed') flushes++;
        if (event.type !== 'result') continue;
        finished.set(event.index, event.result);
        for (let r = finished.get(emitted); r !== undefined; r = finished.get(emitted)) {
          finished.delete(emitted);
          emitted++;
          yield r;
        }
      }
    } finally {
      busy = false;
      // A consumer that stops early leaves the workers mid-call: they cannot serve another.
      if (flushes < pool.length) broken ??= new Error('a QS scorer call was abandoned');
    }
  }
  return { score, close };
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
