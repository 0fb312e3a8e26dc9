import { existsSync } from 'node:fs';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { toCsv } from '../../csv/to-csv.js';
import { listReviewRequests, recordReviewRound } from '../../db/revisions.js';
import type { Db } from '../../db/types.js';
import type { ClassMap } from '../../volume/class-map.js';
import { copyGzipped } from '../../volume/copy-gzipped.js';
import {
  ITKSNAP_LABELS_FILE,
  README_FILE,
  WORKLIST_FILE,
  imageFileName,
  itksnapLabels,
  reviewReadme,
  reviewRoundDir,
  segFileName,
} from './review-files.js';

// One case a round asks for: its scores (worst organ first is worked out here), its image and
// the pseudo label to correct (absolute paths).
export interface ReviewCase {
  caseId: string;
  rank: number;
  score: number | null;
  image: string;
  pseudoLabel: string;
  organs: { organ: string; score: number | null; worstSlice?: number | null }[];
}

export interface ReviewRound {
  db: Db;
  experimentId: number;
  runDir: string;
  round: number;
  // The method whose scores chose the cases.
  method: string;
  classes: ClassMap;
  cases: readonly ReviewCase[];
}

// Writes review/round-R/ (a folder per case with image and pseudo label, worklist.csv, a README
// and ITK-SNAP's label names) and records what it asks for. A round already recorded is left as
// it is: annotators may be editing it.
export async function writeReviewRound(r: ReviewRound): Promise<string> {
  const dir = reviewRoundDir(r.runDir, r.round);
  if (listReviewRequests(r.db, r.experimentId, r.round).length > 0 && existsSync(dir)) return dir;
  const partial = `${dir}.partial-${process.pid}`;
  await rm(partial, { recursive: true, force: true });
  await mkdir(partial, { recursive: true });
  const rows = r.cases.map((c) => ({ ...c, worst: worstOrgan(c) }));
  for (const c of rows) {
    await mkdir(join(partial, c.caseId));
    await copyGzipped(c.image, join(partial, c.caseId, imageFileName(c.caseId)));
    await copyGzipped(c.pseudoLabel, join(partial, c.caseId, segFileName(c.caseId)));
  }
  const lines = rows.map((c) => [
    c.rank,
    c.caseId,
    c.score?.toFixed(4),
    c.worst?.organ,
    c.worst?.score?.toFixed(4),
    c.worst?.worstSlice ?? undefined,
    join(c.caseId, imageFileName(c.caseId)),
    join(c.caseId, segFileName(c.caseId)),
  ]);
  const header = ['rank', 'case', 'score', 'worst_organ', 'worst_organ_score', 'worst_slice'];
  await writeFile(join(partial, WORKLIST_FILE), toCsv([...header, 'image', 'seg'], lines));
  const ids = rows.map((c) => c.caseId);
  await writeFile(join(partial, README_FILE), reviewReadme(r.round, ids, r.classes));
  await writeFile(join(partial, ITKSNAP_LABELS_FILE), itksnapLabels(r.classes));
  // A folder left unrecorded (a run started over with --force) may hold annotators' edits:
  // it is moved aside, never deleted.
  if (existsSync(dir))
    await rename(dir, `${dir}.replaced-${new Date().toISOString().replaceAll(':', '')}`);
  await rename(partial, dir);
  recordReviewRound(
    r.db,
    r.experimentId,
    r.round,
    rows.map((c) => ({
      caseId: c.caseId,
      rank: c.rank,
      method: r.method,
      score: c.score === null || Number.isNaN(c.score) ? null : c.score,
      worstOrgan: c.worst?.organ ?? null,
      worstSlice: c.worst?.worstSlice ?? null,
      pseudoLabelPath: relative(r.runDir, c.pseudoLabel),
    })),
  );
  return dir;
}

// The organ with the lowest score, if any organ has one.
function worstOrgan(c: ReviewCase): ReviewCase['organs'][number] | undefined {
  const scored = c.organs.filter((o) => o.score !== null && !Number.isNaN(o.score));
  return scored.sort((a, b) => (a.score as number) - (b.score as number))[0];
}
