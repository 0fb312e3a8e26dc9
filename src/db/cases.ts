import { and, eq, sql } from 'drizzle-orm';
import { chunksOf } from './chunks.js';
import { type CaseRole, cases } from './schema.js';
import type { DbWriter } from './types.js';

export type CaseRow = typeof cases.$inferSelect;
export type CaseInput = Omit<CaseRow, 'experimentId' | 'labelPath' | 'caseGroup'> & {
  labelPath?: string | null;
  caseGroup?: string | null;
};

// Records the experiment's cases and their roles in one transaction; re-recording updates them.
export function recordCases(db: DbWriter, experimentId: number, rows: readonly CaseInput[]): void {
  db.transaction(
    (tx) => {
      for (const chunk of chunksOf(rows)) {
        tx.insert(cases)
          .values(
            chunk.map((row) => ({
              experimentId,
              ...row,
              labelPath: row.labelPath ?? null,
              caseGroup: row.caseGroup ?? null,
            })),
          )
          .onConflictDoUpdate({
            target: [cases.experimentId, cases.caseId],
            set: {
              role: sql`excluded.role`,
              imagePath: sql`excluded.image_path`,
              labelPath: sql`excluded.label_path`,
              caseGroup: sql`excluded.case_group`,
            },
          })
          .run();
      }
    },
    { behavior: 'immediate' },
  );
}

// The experiment's cases, optionally of one role, by case id.
export function listCases(db: DbWriter, experimentId: number, role?: CaseRole): CaseRow[] {
  const where =
    role === undefined
      ? eq(cases.experimentId, experimentId)
      : and(eq(cases.experimentId, experimentId), eq(cases.role, role));
  return db.select().from(cases).where(where).orderBy(cases.caseId).all();
}
