import { and, asc, eq, max } from 'drizzle-orm';
import { reviewRequests, revisions } from './schema.js';
import type { DbWriter } from './types.js';

export type ReviewRequest = typeof reviewRequests.$inferSelect;
export type ReviewRequestInput = Omit<ReviewRequest, 'experimentId' | 'round' | 'writtenAt'>;
export type Revision = typeof revisions.$inferSelect;
export type RevisionInput = Omit<Revision, 'experimentId' | 'importedAt'>;

// Records the cases one review round asks for, in one transaction (a round is written once).
export function recordReviewRound(
  db: DbWriter,
  experimentId: number,
  round: number,
  rows: readonly ReviewRequestInput[],
): void {
  db.transaction(
    (tx) => {
      for (const row of rows)
        tx.insert(reviewRequests)
          .values({ experimentId, round, ...row })
          .run();
    },
    { behavior: 'immediate' },
  );
}

// The cases a round asked for, worst first.
export function listReviewRequests(
  db: DbWriter,
  experimentId: number,
  round: number,
): ReviewRequest[] {
  return db
    .select()
    .from(reviewRequests)
    .where(and(eq(reviewRequests.experimentId, experimentId), eq(reviewRequests.round, round)))
    .orderBy(asc(reviewRequests.rank))
    .all();
}

// The number of the latest review round written, or 0 when none is.
export function latestReviewRound(db: DbWriter, experimentId: number): number {
  const row = db
    .select({ round: max(reviewRequests.round) })
    .from(reviewRequests)
    .where(eq(reviewRequests.experimentId, experimentId))
    .get();
  return row?.round ?? 0;
}

// Records the masks of one import in one transaction: all of them, or none.
export function recordRevisions(
  db: DbWriter,
  experimentId: number,
  rows: readonly RevisionInput[],
): void {
  const importedAt = new Date().toISOString();
  db.transaction(
    (tx) => {
      for (const row of rows)
        tx.insert(revisions)
          .values({ experimentId, importedAt, ...row })
          .run();
    },
    { behavior: 'immediate' },
  );
}

// Every revision imported so far, by round and case.
export function listRevisions(db: DbWriter, experimentId: number): Revision[] {
  return db
    .select()
    .from(revisions)
    .where(eq(revisions.experimentId, experimentId))
    .orderBy(asc(revisions.round), asc(revisions.caseId))
    .all();
}
