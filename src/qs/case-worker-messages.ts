import type { QsCaseFiles } from './case-sources.js';
import type { QsCaseScore } from './score-cases.js';

// The messages between a QS scorer (qs-scorer.ts) and its case workers (case-worker.ts).

// What a case worker starts with.
export interface CaseWorkerData {
  bundleDir: string;
  threads: number;
  batchSize: number;
}

// Main thread -> worker: the next case of the current call (its position in the call's input),
// sent first unasked and then for each 'want'; no case is left in this call (finish the partial
// batch, report, wait for the next call); or stop (release the session and exit: a worker is
// never terminated while its ONNX Runtime session lives, which can abort the process).
export type ToCaseWorker =
  | { type: 'case'; index: number; files: QsCaseFiles }
  | { type: 'flush' }
  | { type: 'stop' };

// An error, as it crosses threads: a UserError keeps its hint and exit code.
export interface PostedError {
  userError: boolean;
  message: string;
  hint?: string;
  exitCode?: number;
  stack?: string;
}

// Worker -> main thread: its session is open; send the next case (asked while the one before is
// read and scored); a case's scores; every case of the call is reported; a failure (the worker
// then exits).
export type FromCaseWorker =
  | { type: 'ready' }
  | { type: 'want' }
  | { type: 'result'; index: number; result: QsCaseScore }
  | { type: 'flushed' }
  | { type: 'failed'; error: PostedError };
