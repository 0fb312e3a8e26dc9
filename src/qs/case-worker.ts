import { parentPort, workerData } from 'node:worker_threads';
import { isUserError } from '../errors.js';
import { loadBundle } from './bundle.js';
import { caseReading } from './case-reading.js';
import type {
  CaseWorkerData,
  FromCaseWorker,
  PostedError,
  ToCaseWorker,
} from './case-worker-messages.js';
import { Mailbox } from './mailbox.js';
import { scoreCases } from './score-cases.js';
import { openQsSession } from './session.js';

// A case worker of a QS scorer: its own ONNX Runtime session; reads, preprocesses and scores the
// cases it is sent (batches spanning them) and posts each case's scores as it completes, call
// after call, until told to stop.

const port = parentPort;
if (port === null) throw new Error('case-worker.js runs only as a worker thread');
const { bundleDir, threads, batchSize } = workerData as CaseWorkerData;
const post = (message: FromCaseWorker) => port.postMessage(message);

const inbox = new Mailbox<ToCaseWorker>();
port.on('message', (message: ToCaseWorker) => inbox.put(message, message.type === 'stop'));

let stopped = false;
// The positions of the cases handed to scoreCases in this call, in order (its output order).
const order: number[] = [];
const reading = caseReading();
// The cases of one call: up to its flush (or a stop). The next case is asked for as soon as one
// arrives, so that it is there when this one's slices are all in batches.
async function* callCases() {
  for (;;) {
    const message = await inbox.next();
    if (message.type === 'stop') stopped = true;
    if (message.type !== 'case') return;
    post({ type: 'want' });
    order.push(message.index);
    yield await reading.open(message.files);
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
    post({ type: 'ready' });
    while (!stopped) {
      for await (const result of scoreCases(
        bundle,
        session,
        callCases(),
        reading.options(batchSize),
      ))
        post({ type: 'result', index: order.shift() as number, result });
      if (!stopped) post({ type: 'flushed' });
    }
  } finally {
    await session.dispose();
  }
} catch (error) {
  post({ type: 'failed', error: posted(error) });
}
port.close();
