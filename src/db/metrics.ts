import { type SQL, and, asc, eq, sql } from 'drizzle-orm';
import { metrics } from './schema.js';
import type { DbWriter } from './types.js';

export type MetricRow = typeof metrics.$inferSelect;
// A row to record: round 1 unless given.
export type MetricInput = Omit<MetricRow, 'round'> & { round?: number };

export interface MetricFilter {
  method?: string;
  seed?: number;
  budget?: number;
  round?: number;
  // '*' (CASE_LEVEL_ORGAN) for case-level rows, when they were recorded.
  organ?: string;
}

// Records Dice and NSD rows in one transaction; a row recorded again under the same (experiment,
// method, seed, budget, round, case, organ) replaces the old values. NaN is stored as NULL.
export function insertMetrics(db: DbWriter, rows: readonly MetricInput[]): void {
  db.transaction(
    (tx) => {
      // One prepared statement for all rows: building a query per row costs more than SQLite.
      const upsert = tx
        .insert(metrics)
        .values({
          experimentId: sql.placeholder('experimentId'),
          method: sql.placeholder('method'),
          seed: sql.placeholder('seed'),
          budget: sql.placeholder('budget'),
          round: sql.placeholder('round'),
          caseId: sql.placeholder('caseId'),
          organ: sql.placeholder('organ'),
          dsc: sql.placeholder('dsc'),
          nsd: sql.placeholder('nsd'),
        })
        .onConflictDoUpdate({
          target: [
            metrics.experimentId,
            metrics.method,
            metrics.seed,
            metrics.budget,
            metrics.round,
            metrics.caseId,
            metrics.organ,
          ],
          set: { dsc: sql`excluded.dsc`, nsd: sql`excluded.nsd` },
        })
        .prepare();
      for (const row of rows) {
        upsert.run({
          ...row,
          round: row.round ?? 1,
          dsc: finiteOrNull(row.dsc),
          nsd: finiteOrNull(row.nsd),
        });
      }
    },
    { behavior: 'immediate' },
  );
}

// The experiment's metrics, optionally filtered, by method, budget, seed, case and organ.
export function listMetrics(
  db: DbWriter,
  experimentId: number,
  filter: MetricFilter = {},
): MetricRow[] {
  const conditions: SQL[] = [eq(metrics.experimentId, experimentId)];
  if (filter.method !== undefined) conditions.push(eq(metrics.method, filter.method));
  if (filter.seed !== undefined) conditions.push(eq(metrics.seed, filter.seed));
  if (filter.budget !== undefined) conditions.push(eq(metrics.budget, filter.budget));
  if (filter.round !== undefined) conditions.push(eq(metrics.round, filter.round));
  if (filter.organ !== undefined) conditions.push(eq(metrics.organ, filter.organ));
  return db
    .select()
    .from(metrics)
    .where(and(...conditions))
    .orderBy(
      asc(metrics.method),
      asc(metrics.budget),
      asc(metrics.round),
      asc(metrics.seed),
      asc(metrics.caseId),
      asc(metrics.organ),
    )
    .all();
}

function finiteOrNull(value: number | null): number | null {
  return value === null || Number.isNaN(value) ? null : value;
}
