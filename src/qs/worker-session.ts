import { Worker } from 'node:worker_threads';
import type { QsBundle } from './bundle.js';
import type { SessionRequest, SessionWorkerData, WorkerReply } from './session-messages.js';
import {
  type QsSession,
  type QsSessionOptions,
  checkModelIo,
  modelLoadError,
  sessionOptions,
} from './session.js';

// A QS session whose ONNX Runtime session lives in a worker thread, so that the main thread
// reads and preprocesses the next batch while one runs (scoreCases keeps one batch running).
// run() copies the batch's inputs once, into buffers moved to the thread, so the caller's
// buffers are free again as soon as run() returns.

interface Pending {
  resolve(dice: Float32Array): void;
  reject(error: Error): void;
}

// Opens the bundle's model in a new worker thread; load errors are the in-process ones.
export async function openWorkerSession(
  bundle: QsBundle,
  options: QsSessionOptions = {},
): Promise<QsSession> {
  const size = bundle.manifest.inputSize;
  const embeddingSize = bundle.manifest.embeddingSize;
  const data: SessionWorkerData = {
    modelPath: bundle.modelPath,
    options: sessionOptions(options),
    inputSize: size,
    embeddingSize,
  };
  const worker = new Worker(new URL('./session-worker.js', import.meta.url), { workerData: data });
  const pending = new Map<number, Pending>();
  let nextId = 0;
  // Set once the thread has failed or exited: every run after it fails with this.
  let broken: Error | undefined;
  const fail = (error: Error) => {
    broken ??= error;
    for (const p of pending.values()) p.reject(broken);
    pending.clear();
    worker.unref();
  };
  const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));

  const ready = new Promise<{ inputNames: string[]; outputNames: string[] }>((resolve, reject) => {
    worker.on('message', (reply: WorkerReply) => {
      if (reply.type === 'ready') resolve(reply);
      else if (reply.type === 'load-error') reject(modelLoadError(bundle, reply.message));
      else {
        const p = pending.get(reply.id);
        pending.delete(reply.id);
        if (pending.size === 0) worker.unref();
        if (reply.type === 'result') p?.resolve(reply.dice);
        else p?.reject(new Error(`QS model run failed: ${reply.message}`));
      }
    });
    worker.on('error', (error) => {
      reject(error);
      fail(error);
    });
    worker.on('exit', (code) => {
      const error = new Error(`QS session worker exited (code ${code})`);
      reject(error);
      fail(error);
    });
  });
  let io: { inputNames: string[]; outputNames: string[] };
  try {
    io = await ready;
    checkModelIo(bundle, io.inputNames, io.outputNames);
  } catch (error) {
    await worker.terminate();
    throw error;
  }
  // Idle, the thread does not keep the process alive; a pending run does.
  worker.unref();

  return {
    inputSize: size,
    embeddingSize,
    run(images, embeddings, count) {
      if (broken) return Promise.reject(broken);
      const id = nextId++;
      const request = {
        type: 'run',
        id,
        images: images.slice(0, count * 2 * size * size),
        embeddings: embeddings.slice(0, count * embeddingSize),
        count,
      } satisfies SessionRequest;
      return new Promise<Float32Array>((resolve, reject) => {
        pending.set(id, {
          resolve(dice) {
            if (dice.length === count) resolve(dice);
            else reject(new Error(`QS model returned ${dice.length} values for ${count} slices`));
          },
          reject,
        });
        if (pending.size === 1) worker.ref();
        worker.postMessage(request, [request.images.buffer, request.embeddings.buffer]);
      });
    },
    async dispose() {
      if (broken === undefined) {
        worker.ref();
        worker.postMessage({ type: 'dispose' } satisfies SessionRequest);
      }
      await exited;
    },
  };
}
