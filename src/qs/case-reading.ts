import { readFailureOf } from '../errors.js';
import { type CaseBuffers, type QsCaseFiles, openCaseFiles } from './case-sources.js';
import { SliceWorkspace } from './preprocess.js';
import type { BatchOptions, QsCaseSource, UnreadableCase } from './slice-batches.js';

// What a QS scorer keeps between cases and calls: memory for the cases' volumes (a case is read
// when the batch builder is done with the one before) and the preprocessing workspace (its
// WebAssembly memory, window table and resize plans). A case whose files cannot be read is
// opened as unreadable, with the reason.
export function caseReading() {
  const buffers: CaseBuffers = { image: {}, labels: {} };
  const workspace = new SliceWorkspace();
  return {
    open: async (files: QsCaseFiles): Promise<QsCaseSource | UnreadableCase> => {
      try {
        return await openCaseFiles(files, buffers);
      } catch (error) {
        const unreadable = readFailureOf(error);
        if (unreadable === undefined) throw error;
        return { caseId: files.caseId, unreadable };
      }
    },
    options: (batchSize: number): BatchOptions => ({ batchSize, workspace }),
  };
}
