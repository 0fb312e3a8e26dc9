import type * as ort from 'onnxruntime-node';

// The messages between a worker QS session (worker-session.ts) and its thread
// (session-worker.ts).

// What the worker thread starts with.
export interface SessionWorkerData {
  modelPath: string;
  options: ort.InferenceSession.SessionOptions;
  inputSize: number;
  embeddingSize: number;
}

// Main thread -> worker: run a batch (its own copies of the inputs), or release the session.
export type SessionRequest =
  | { type: 'run'; id: number; images: Float32Array; embeddings: Float32Array; count: number }
  | { type: 'dispose' };

// Worker -> main thread.
export type WorkerReply =
  | { type: 'ready'; inputNames: string[]; outputNames: string[] }
  | { type: 'load-error'; message: string }
  | { type: 'result'; id: number; dice: Float32Array }
  | { type: 'run-error'; id: number; message: string };
