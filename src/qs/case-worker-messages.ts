import type { QsCaseFiles } from './case-sources.js';
import type { QsCaseScore } from './score-cases.js';

// The messages between scoreCaseFiles (score-case-files.ts) and its case workers
// (case-worker.ts).

// What a case worker starts with.
export interface CaseWorkerData {
  bundleDir: string;
  threads: number;
  batchSize: number;
}

// Main thread -> worker: one more case (its position in the input), no more cases, or stop
// (finish the batches under way, take no more cases, release the session and exit: a worker is
// never terminated while its ONNX Runtime session lives, which can abort the process).
export type ToCaseWorker =
  | { type: 'case'; index: number; files: QsCaseFiles }
  | { type: 'end' }
  | { type: 'stop' };

// An error, as it crosses threads: a UserError keeps its hint and exit code.
export interface PostedError {
  userError: boolean;
  message: string;
  hint?: string;
  exitCode?: number;
  stack?: string;
}

// Worker -> main thread: a case's scores (its position in the input), a failure (the worker
// stops), or all its cases done.
export type FromCaseWorker =
  | { type: 'result'; index: number; result: QsCaseScore }
  | { type: 'failed'; error: PostedError }
  | { type: 'done' };
