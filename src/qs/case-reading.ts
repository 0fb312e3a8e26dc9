import { type CaseBuffers, type QsCaseFiles, openCaseFiles } from './case-sources.js';
import { SliceWorkspace } from './preprocess.js';
import type { BatchOptions } from './slice-batches.js';

// What a QS scorer keeps between cases and calls: memory for the cases' volumes (a case is read
// when the batch builder is done with the one before) and the preprocessing workspace (its
// WebAssembly memory, window table and resize plans).
export function caseReading() {
  const buffers: CaseBuffers = { image: {}, labels: {} };
  const workspace = new SliceWorkspace();
  return {
    open: (files: QsCaseFiles) => openCaseFiles(files, buffers),
    options: (batchSize: number): BatchOptions => ({ batchSize, workspace }),
  };
}
