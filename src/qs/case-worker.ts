import { parentPort, workerData } from 'node:worker_threads';
import { isUserError } from '../errors.js';
import { loadBundle } from './bundle.js';
import { type QsCaseFiles, openCaseFiles } from './case-sources.js';
import type {
  CaseWorkerData,
  FromCaseWorker,
  PostedError,
  ToCaseWorker,
} from './case-worker-messages.js';
import { scoreCases } from './score-cases.js';
import { openQsSession } from './session.js';

// A case worker of scoreCaseFiles: its own ONNX Runtime session; reads, preprocesses and scores
// the cases it is sent (batches spanning them), and posts each case's scores as they complete.

const port = parentPort;
if (port === null) throw new Error('case-worker.js runs only as a worker thread');
const { bundleDir, threads, batchSize } = workerData as CaseWorkerData;
const post = (message: FromCaseWorker) => port.postMessage(message);

// The cases sent so far and not yet taken, and whoever waits for the next.
const waiting: { index: number; files: QsCaseFiles }[] = [];
let ended = false;
let wake: (() => void) | undefined;
port.on('message', (message: ToCaseWorker) => {
  if (message.type === 'case') waiting.push(message);
  else ended = true;
  if (message.type === 'stop') waiting.length = 0;
  wake?.();
});

// The positions of the cases handed to scoreCases, in order (it yields them in that order).
const order: number[] = [];
async function* sources() {
  for (;;) {
    const next = waiting.shift();
    if (next !== undefined) {
      order.push(next.index);
      yield await openCaseFiles(next.files);
    } else if (ended) {
      return;
    } else {
      await new Promise<void>((resolve) => {
        wake = resolve;
      });
      wake = undefined;
    }
  }
}

function posted(error: unknown): PostedError {
  if (isUserError(error))
    return { userError: true, message: error.message, hint: error.hint, exitCode: error.exitCode };
  const e = error instanceof Error ? error : new Error(String(error));
  return { userError: false, message: e.message, stack: e.stack };
}

try {
  const bundle = await loadBundle(bundleDir);
  const session = await openQsSession(bundle, { threads });
  try {
    for await (const result of scoreCases(bundle, session, sources(), { batchSize }))
      post({ type: 'result', index: order.shift() as number, result });
  } finally {
    await session.dispose();
  }
  post({ type: 'done' });
} catch (error) {
  post({ type: 'failed', error: posted(error) });
}
port.close();
