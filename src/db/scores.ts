import { type SQL, and, asc, eq, sql } from 'drizzle-orm';
import { scores } from './schema.js';
import type { DbWriter } from './types.js';

export type ScoreRow = typeof scores.$inferSelect;
export type ScoreInput = Omit<ScoreRow, 'slices' | 'worstSlice' | 'round' | 'budget'> & {
  // Round 1 (budget 0: before any revision) unless given.
  round?: number;
  budget?: number;
  slices?: number | null;
  worstSlice?: number | null;
};

export interface ScoreFilter {
  method?: string;
  seed?: number;
  round?: number;
  budget?: number;
  // '*' (CASE_LEVEL_ORGAN) for the case-level rows.
  organ?: string;
}

// Records scores in one transaction; a score recorded again under the same (experiment, method,
// seed, round, budget, case, organ) replaces the old value. NaN is stored as NULL (n/a).
export function insertScores(db: DbWriter, rows: readonly ScoreInput[]): void {
  db.transaction(
    (tx) => {
      // One prepared statement for all rows: building a query per row costs more than SQLite.
      const upsert = tx
        .insert(scores)
        .values({
          experimentId: sql.placeholder('experimentId'),
          method: sql.placeholder('method'),
          seed: sql.placeholder('seed'),
          round: sql.placeholder('round'),
          budget: sql.placeholder('budget'),
          caseId: sql.placeholder('caseId'),
          organ: sql.placeholder('organ'),
          value: sql.placeholder('value'),
          slices: sql.placeholder('slices'),
          worstSlice: sql.placeholder('worstSlice'),
        })
        .onConflictDoUpdate({
          target: [
            scores.experimentId,
            scores.method,
            scores.seed,
            scores.round,
            scores.budget,
            scores.caseId,
            scores.organ,
          ],
          set: {
            value: sql`excluded.value`,
            slices: sql`excluded.slices`,
            worstSlice: sql`excluded.worst_slice`,
          },
        })
        .prepare();
      for (const row of rows) {
        upsert.run({
          ...row,
          round: row.round ?? 1,
          budget: row.budget ?? 0,
          value: finiteOrNull(row.value),
          slices: row.slices ?? null,
          worstSlice: row.worstSlice ?? null,
        });
      }
    },
    { behavior: 'immediate' },
  );
}

// The experiment's scores, optionally filtered, by method, seed, case and organ.
export function listScores(
  db: DbWriter,
  experimentId: number,
  filter: ScoreFilter = {},
): ScoreRow[] {
  const conditions: SQL[] = [eq(scores.experimentId, experimentId)];
  if (filter.method !== undefined) conditions.push(eq(scores.method, filter.method));
  if (filter.seed !== undefined) conditions.push(eq(scores.seed, filter.seed));
  if (filter.round !== undefined) conditions.push(eq(scores.round, filter.round));
  if (filter.budget !== undefined) conditions.push(eq(scores.budget, filter.budget));
  if (filter.organ !== undefined) conditions.push(eq(scores.organ, filter.organ));
  return db
    .select()
    .from(scores)
    .where(and(...conditions))
    .orderBy(asc(scores.method), asc(scores.seed), asc(scores.caseId), asc(scores.organ))
    .all();
}

function finiteOrNull(value: number | null): number | null {
  return value === null || Number.isNaN(value) ? null : value;
}
