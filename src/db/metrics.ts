import { type SQL, and, asc, eq, sql } from 'drizzle-orm';
import { metrics } from './schema.js';
import type { DbWriter } from './types.js';

export type MetricRow = typeof metrics.$inferSelect;

export interface MetricFilter {
  method?: string;
  seed?: number;
  budget?: number;
  // '*' (CASE_LEVEL_ORGAN) for case-level rows, when they were recorded.
  organ?: string;
}

// Records Dice and NSD rows in one transaction; a row recorded again under the same (experiment,
// method, seed, budget, case, organ) replaces the old values. NaN is stored as NULL.
export function insertMetrics(db: DbWriter, rows: readonly MetricRow[]): void {
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
            metrics.caseId,
            metrics.organ,
          ],
          set: { dsc: sql`excluded.dsc`, nsd: sql`excluded.nsd` },
        })
        .prepare();
      for (const row of rows) {
        upsert.run({ ...row, dsc: finiteOrNull(row.dsc), nsd: finiteOrNull(row.nsd) });
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
  if (filter.organ !== undefined) conditions.push(eq(metrics.organ, filter.organ));
  return db
    .select()
    .from(metrics)
    .where(and(...conditions))
    .orderBy(
      asc(metrics.method),
      asc(metrics.budget),
      asc(metrics.seed),
      asc(metrics.caseId),
      asc(metrics.organ),
    )
    .all();
}

function finiteOrNull(value: number | null): number | null {
  return value === null || Number.isNaN(value) ? null : value;
}
