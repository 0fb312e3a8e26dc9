import { z } from 'zod';
import { budgetCurveSpec, methodPointsSpec, roundCurveSpec } from './chart-specs.js';
import { type GroupTable, buildGroupTable } from './group-table.js';
import type { RunData } from './load-run.js';
import { type CostFigures, sharedCost } from './method-costs.js';
import { type MethodRow, buildMethodTable } from './method-table.js';
import { type RankingQuality, rankingQuality } from './ranking-quality.js';
import { type RoundPoint, roundCurveRows, roundPoints } from './round-curve.js';
import { type RunStatus, describeRunStatus } from './run-status.js';
import { renderVegaLiteSvg } from './vega-svg.js';
import { type Thumbnail, drawWorklistThumbnails } from './worklist-thumbnails.js';
import { type Worklist, buildWorklist } from './worklist.js';

// What identifies the run in a report's heading.
export interface RunSummary {
  name: string;
  dir: string;
  experiment: string;
  kind: 'al' | 'ssl';
  status: string;
  engine: string;
  codeVersion: string;
  configHash: string;
  modelHashes: Record<string, string>;
  // The models by role ('qs', 'pretrained'), each with its file or folder from the recorded
  // config (null when not recorded) and its sha256.
  models: { role: string; path: string | null; sha256: string }[];
  // Where M0 and the methods' fine-tunes start (from the recorded config; null when not recorded).
  training: { pretrained: string | null; finetuneFrom: 'm0' | 'init' | null };
  // NSD's boundary tolerance in mm (from the recorded config; null when not recorded).
  nsdToleranceMm: number | null;
  createdAt: string;
  updatedAt: string;
  cases: { labeled: number; pool: number; test: number };
}

// A run's report as data; the Markdown, CSV, JSON and HTML writers only format it.
export interface Report {
  run: RunSummary;
  status: RunStatus;
  methodTable: MethodRow[];
  // Test-set Dice per case group; null when the test cases carry no groups.
  groups: GroupTable | null;
  // The budgets (AL) or top-K values (SSL) with results, ascending, M0's 0 left out.
  budgets: number[];
  sharedCost: CostFigures | null;
  ranking: RankingQuality;
  worklist: Worklist;
  // One per worklist entry (empty without a worklist or with thumbnails off).
  thumbnails: Thumbnail[];
  // Each method's mean Dice and NSD after each AL round (al-run --rounds); empty for one round.
  rounds: RoundPoint[];
  // vega-lite plots as SVG: the budget curve (several budgets) or the method points (one), and
  // the per-round curve (several rounds).
  plots: { budgetCurve: string | null; methodPoints: string | null; roundCurve: string | null };
}

export interface BuildReportOptions {
  // How many of each method's picks the worklist lists (default 20; the run's budget bounds it).
  worklistSize?: number;
  // Draw worklist thumbnails (reads one CT slice and one pseudo label per entry; default true).
  thumbnails?: boolean;
  // Draw the plots (default true).
  plots?: boolean;
}

// Builds a run's report from what its database holds (and, for thumbnails, its files).
export async function buildReport(run: RunData, options: BuildReportOptions = {}): Promise<Report> {
  const methodTable = buildMethodTable(run);
  const budgets = [...new Set(methodTable.filter((r) => !r.isBaseline).map((r) => r.budget))].sort(
    (a, b) => a - b,
  );
  const worklist = buildWorklist(run, options.worklistSize ?? 20);
  const thumbnails =
    worklist.available && options.thumbnails !== false
      ? await drawWorklistThumbnails(run, worklist.entries)
      : [];
  const roundRows = roundCurveRows(run);
  const drawPlots =
    options.plots !== false &&
    methodTable.some((r) => Number.isFinite(r.dsc.mean) || Number.isFinite(r.nsd.mean));
  return {
    run: summarizeRun(run),
    status: describeRunStatus(run),
    methodTable,
    groups: buildGroupTable(run),
    budgets,
    sharedCost: sharedCost(run.jobs),
    ranking: rankingQuality(run),
    worklist,
    thumbnails,
    rounds: roundPoints(run),
    plots: {
      roundCurve:
        drawPlots && roundRows ? await renderVegaLiteSvg(roundCurveSpec(roundRows)) : null,
      budgetCurve:
        drawPlots && budgets.length >= 2
          ? await renderVegaLiteSvg(budgetCurveSpec(methodTable, run.experiment.kind))
          : null,
      methodPoints:
        drawPlots && budgets.length <= 1
          ? await renderVegaLiteSvg(methodPointsSpec(methodTable))
          : null,
    },
  };
}

// The run's identity and case counts, for headings.
export function summarizeRun(run: RunData): RunSummary {
  const e = run.experiment;
  const count = (role: string) => run.cases.filter((c) => c.role === role).length;
  const recorded = recordedSettings(e.config);
  return {
    name: run.name,
    dir: run.dir,
    experiment: e.name,
    kind: e.kind,
    status: e.status,
    engine: e.engineVersion ? `${e.engineName} ${e.engineVersion}` : e.engineName,
    codeVersion: e.codeVersion,
    configHash: e.configHash,
    modelHashes: e.modelHashes,
    training: recorded.training,
    nsdToleranceMm: recorded.nsdToleranceMm,
    models: Object.entries(e.modelHashes).map(([role, sha256]) => ({
      role,
      path: recorded.modelPaths[role] ?? null,
      sha256,
    })),
    createdAt: e.createdAt,
    updatedAt: e.updatedAt,
    cases: { labeled: count('labeled'), pool: count('pool'), test: count('test') },
  };
}

// The parts of the recorded config a heading shows, read in one pass; any part missing or
// foreign (an older run) is null.
const RecordedSettings = z.object({
  training: z
    .object({
      pretrained: z.string().nullable().catch(null).default(null),
      finetune: z
        .object({ from: z.enum(['m0', 'init']).nullable().catch(null) })
        .catch({ from: null }),
    })
    .catch({ pretrained: null, finetune: { from: null } }),
  metrics: z
    .object({ nsdToleranceMm: z.number().nullable().catch(null) })
    .catch({ nsdToleranceMm: null }),
  qs: z.object({ model: z.string().nullable().catch(null) }).catch({ model: null }),
});

function recordedSettings(
  config: unknown,
): Pick<RunSummary, 'training' | 'nsdToleranceMm'> & { modelPaths: Record<string, string | null> } {
  const parsed = RecordedSettings.safeParse(config);
  if (!parsed.success)
    return {
      training: { pretrained: null, finetuneFrom: null },
      nsdToleranceMm: null,
      modelPaths: {},
    };
  const { training, metrics, qs } = parsed.data;
  return {
    training: { pretrained: training.pretrained, finetuneFrom: training.finetune.from },
    nsdToleranceMm: metrics.nsdToleranceMm,
    modelPaths: { qs: qs.model, pretrained: training.pretrained },
  };
}
