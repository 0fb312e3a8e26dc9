import { and, eq, sql } from 'drizzle-orm';
import { jobs } from './schema.js';
import type { DbWriter } from './types.js';

// The measured cost of one kind of job of one method (method null: shared jobs).
export interface JobCostSummary {
  method: string | null;
  kind: string;
  jobs: number;
  wallS: number;
  cpuS: number;
  // The largest peak of any one job (jobs run one after another or side by side, never summed).
  peakRssBytes: number;
  diskBytes: number;
}

// Sums the cost of the experiment's done jobs per method and kind, for the report's cost columns.
export function summarizeJobCosts(db: DbWriter, experimentId: number): JobCostSummary[] {
  return db
    .select({
      method: jobs.method,
      kind: jobs.kind,
      jobs: sql<number>`count(*)`,
      wallS: sql<number>`coalesce(sum(${jobs.wallS}), 0)`,
      cpuS: sql<number>`coalesce(sum(${jobs.cpuS}), 0)`,
      peakRssBytes: sql<number>`coalesce(max(${jobs.peakRssBytes}), 0)`,
      diskBytes: sql<number>`coalesce(sum(${jobs.diskBytes}), 0)`,
    })
    .from(jobs)
    .where(and(eq(jobs.experimentId, experimentId), eq(jobs.status, 'done')))
    .groupBy(jobs.method, jobs.kind)
    .orderBy(jobs.method, jobs.kind)
    .all();
}
