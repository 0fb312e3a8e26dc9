import { parentPort, workerData } from 'node:worker_threads';
import * as ort from 'onnxruntime-node';
import type { SessionRequest, SessionWorkerData, WorkerReply } from './session-messages.js';

// The worker thread of a worker QS session (worker-session.ts): owns the ONNX Runtime session
// and runs the batches it is sent, one at a time, while the main thread reads and preprocesses
// the next one.

const port = parentPort;
if (port === null) throw new Error('session-worker.js runs only as a worker thread');
const { modelPath, options, inputSize, embeddingSize } = workerData as SessionWorkerData;
const post = (reply: WorkerReply, transfer: ArrayBuffer[] = []) =>
  port.postMessage(reply, transfer);

let session: ort.InferenceSession | undefined;
try {
  session = await ort.InferenceSession.create(modelPath, options);
  post({
    type: 'ready',
    inputNames: [...session.inputNames],
    outputNames: [...session.outputNames],
  });
} catch (cause) {
  post({ type: 'load-error', message: (cause as Error).message });
  port.close();
}

port.on('message', async (request: SessionRequest) => {
  if (session === undefined) return;
  if (request.type === 'dispose') {
    await session.release();
    session = undefined;
    port.close();
    return;
  }
  const { id, images, embeddings, count } = request;
  try {
    const result = await session.run(
      {
        image: new ort.Tensor('float32', images, [count, 2, inputSize, inputSize]),
        embedding: new ort.Tensor('float32', embeddings, [count, embeddingSize]),
      },
      ['dice'],
    );
    const dice = Float32Array.from(result.dice?.data as Float32Array);
    post({ type: 'result', id, dice }, [dice.buffer]);
  } catch (cause) {
    post({ type: 'run-error', id, message: (cause as Error).message });
  }
});
