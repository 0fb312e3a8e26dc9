import { join } from 'node:path';
import type { ReviewRequest, Revision } from '../../db/revisions.js';
import type { ClassMap } from '../../volume/class-map.js';
import { checkReturnedMask, sha256Of } from './check-returned-mask.js';
import type { ReturnedFile } from './find-returned-masks.js';
import { segFileName } from './review-files.js';

// A mask fit to import into the round.
export interface AcceptedMask {
  caseId: string;
  path: string;
  sha256: string;
  changedVoxels: number;
}

// The returned files sorted: the ones to import, the ones imported before (same bytes), and
// the refused ones, each with what is wrong.
export interface SortedMasks {
  accepted: AcceptedMask[];
  alreadyImported: { caseId: string; path: string; round: number }[];
  refused: { path: string; problem: string }[];
}

export interface RoundState {
  runDir: string;
  round: number;
  requests: readonly ReviewRequest[];
  // Every revision imported so far (all rounds).
  revisions: readonly Revision[];
  images: ReadonlyMap<string, string>;
  classes: ClassMap;
}

// Sorts every returned file against the round: a mask for a case the round asked for, not
// imported yet, that passes checkReturnedMask, is accepted; the rest are refused or skipped.
export async function sortReturnedMasks(
  files: readonly ReturnedFile[],
  state: RoundState,
): Promise<SortedMasks> {
  const sorted: SortedMasks = { accepted: [], alreadyImported: [], refused: [] };
  const asked = new Map(state.requests.map((r) => [r.caseId, r]));
  const revised = new Map(state.revisions.map((r) => [r.caseId, r]));
  const roundClosed = state.revisions.some((r) => r.round === state.round);
  const seen = new Set<string>();
  for (const { path, caseId } of files) {
    const refuse = (problem: string) => sorted.refused.push({ path, problem });
    if (caseId === undefined) {
      refuse(
        `not named <case>_seg.nii.gz, so its case is unknown; rename it (e.g. ${segFileName(state.requests[0]?.caseId ?? 'CASE')})`,
      );
      continue;
    }
    if (seen.has(caseId)) {
      refuse(`a second mask for case ${caseId}; keep one`);
      continue;
    }
    seen.add(caseId);
    const before = revised.get(caseId);
    if (before) {
      if ((await sha256Of(path)) === before.sha256)
        sorted.alreadyImported.push({ caseId, path, round: before.round });
      else
        refuse(
          `case ${caseId} was already revised in round ${before.round} (imported ${before.importedAt} from ${before.sourcePath}, by ${before.annotator}); a case is revised once`,
        );
      continue;
    }
    const request = asked.get(caseId);
    if (!request) {
      refuse(
        `case ${caseId} was not asked for in round ${state.round} (asked: ${[...asked.keys()].join(', ')})`,
      );
      continue;
    }
    if (roundClosed) {
      refuse(
        `round ${state.round}'s import is already recorded without case ${caseId}; finish that round first (sentinel import-revisions --run RUN, without --from), then import this mask into round ${state.round + 1}`,
      );
      continue;
    }
    const check = await checkReturnedMask(path, {
      image: state.images.get(caseId) as string,
      pseudoLabel: join(state.runDir, request.pseudoLabelPath),
      classes: state.classes,
    });
    if (check.ok) sorted.accepted.push({ caseId, path, ...check });
    else refuse(check.problem);
  }
  return sorted;
}
