import { type SQL, and, asc, eq } from 'drizzle-orm';
import { chunksOf } from './chunks.js';
import { selections } from './schema.js';
import type { DbWriter } from './types.js';

export type SelectionRow = typeof selections.$inferSelect;

// Which selection: one method, seed and budget of an experiment.
export interface SelectionKey {
  experimentId: number;
  method: string;
  seed: number;
  budget: number;
  // The active-learning round (1 when not given).
  round?: number;
}

export interface SelectedCase {
  caseId: string;
  // 1 = the first pick.
  rank: number;
  score: number | null;
}

export interface SelectionFilter {
  method?: string;
  seed?: number;
  budget?: number;
  round?: number;
}

// Records one selection in one transaction, replacing what was recorded under the same key, so
// recording it again leaves exactly these rows.
export function recordSelection(
  db: DbWriter,
  key: SelectionKey,
  picked: readonly SelectedCase[],
): void {
  db.transaction(
    (tx) => {
      tx.delete(selections).where(matchesKey(key)).run();
      for (const chunk of chunksOf(picked)) {
        tx.insert(selections)
          .values(
            chunk.map((pick) => ({
              ...key,
              round: key.round ?? 1,
              caseId: pick.caseId,
              rank: pick.rank,
              score: pick.score === null || Number.isNaN(pick.score) ? null : pick.score,
            })),
          )
          .run();
      }
    },
    { behavior: 'immediate' },
  );
}

// The experiment's selections, optionally filtered, by method, seed, budget and rank.
export function listSelections(
  db: DbWriter,
  experimentId: number,
  filter: SelectionFilter = {},
): SelectionRow[] {
  const conditions: SQL[] = [eq(selections.experimentId, experimentId)];
  if (filter.method !== undefined) conditions.push(eq(selections.method, filter.method));
  if (filter.seed !== undefined) conditions.push(eq(selections.seed, filter.seed));
  if (filter.budget !== undefined) conditions.push(eq(selections.budget, filter.budget));
  if (filter.round !== undefined) conditions.push(eq(selections.round, filter.round));
  return db
    .select()
    .from(selections)
    .where(and(...conditions))
    .orderBy(
      asc(selections.method),
      asc(selections.seed),
      asc(selections.budget),
      asc(selections.round),
      asc(selections.rank),
    )
    .all();
}

function matchesKey(key: SelectionKey): SQL | undefined {
  return and(
    eq(selections.experimentId, key.experimentId),
    eq(selections.method, key.method),
    eq(selections.seed, key.seed),
    eq(selections.budget, key.budget),
    eq(selections.round, key.round ?? 1),
  );
}
