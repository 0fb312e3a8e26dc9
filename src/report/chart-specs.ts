import type { TopLevelSpec } from 'vega-lite';
import type { ExperimentKind } from '../db/schema.js';
import { methodLabel } from './format-values.js';
import type { MethodRow } from './method-table.js';

// One point of a plot: a method's mean over seeds at one budget, with its std bar.
interface PlotPoint {
  method: string;
  budget: number;
  metric: 'Dice' | 'NSD';
  mean: number;
  lo: number | null;
  hi: number | null;
  seeds: number;
}

// The budget curve (the paper's Figure 6): Dice and NSD against the budget, one line per
// method with std bars; every line starts at M0 (budget 0) when the run has it.
export function budgetCurveSpec(
  rows: readonly MethodRow[],
  kind: ExperimentKind,
  xTitle?: string,
): TopLevelSpec {
  const baseline = rows.find((r) => r.isBaseline);
  const methods = [...new Set(rows.filter((r) => !r.isBaseline).map((r) => r.method))];
  const points = rows.filter((r) => !r.isBaseline).flatMap(pointsOf);
  if (baseline) {
    for (const method of methods) points.push(...pointsOf({ ...baseline, method, budget: 0 }));
  }
  const x =
    xTitle ?? (kind === 'al' ? 'budget N (pool scans revised)' : 'top K (pseudo labels kept)');
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    data: { values: points },
    facet: { column: { field: 'metric', type: 'nominal', title: null, sort: ['Dice', 'NSD'] } },
    spec: {
      width: 340,
      height: 240,
      layer: [
        {
          mark: { type: 'line', point: true },
          encoding: {
            x: {
              field: 'budget',
              type: 'quantitative',
              title: x,
              axis: { format: 'd', tickMinStep: 1 },
            },
            y: {
              field: 'mean',
              type: 'quantitative',
              title: 'mean over seeds',
              scale: { zero: false },
            },
            color: colorEncoding(methods),
            tooltip: [
              { field: 'method' },
              { field: 'budget' },
              { field: 'mean', format: '.4f' },
              { field: 'seeds' },
            ],
          },
        },
        stdBars({ field: 'budget', type: 'quantitative' }, methods),
      ],
    },
    resolve: { scale: { y: 'independent' } },
    config: chartConfig,
  } as TopLevelSpec;
}

// The per-round curve (al-run --rounds; MONAI Label's many rounds where the paper's Figure 6
// has one): Dice and NSD against the labels revised so far (round x N), drawn beside the
// budget curve from the rows of round-curve.ts.
export function roundCurveSpec(rows: readonly MethodRow[]): TopLevelSpec {
  return budgetCurveSpec(rows, 'al', 'labels revised so far (round x N)');
}

// The method comparison at one budget: each method's mean with its std bar, M0 included.
export function methodPointsSpec(rows: readonly MethodRow[]): TopLevelSpec {
  const methods = rows.map((r) => methodLabel(r.method));
  const points = rows.flatMap((r) => pointsOf({ ...r, method: methodLabel(r.method) }));
  const x = { field: 'method', type: 'nominal', title: null, sort: methods } as const;
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    data: { values: points },
    facet: { column: { field: 'metric', type: 'nominal', title: null, sort: ['Dice', 'NSD'] } },
    spec: {
      width: 300,
      height: 220,
      layer: [
        {
          mark: { type: 'point', filled: true, size: 70 },
          encoding: {
            x,
            y: {
              field: 'mean',
              type: 'quantitative',
              title: 'mean over seeds',
              scale: { zero: false },
            },
            color: colorEncoding(methods),
          },
        },
        stdBars(x, methods),
      ],
    },
    resolve: { scale: { y: 'independent' } },
    config: chartConfig,
  } as TopLevelSpec;
}

// The layer of mean ± std bars (lo..hi) at `x`, coloured by method.
function stdBars(x: Record<string, unknown>, methods: string[]) {
  return {
    mark: { type: 'errorbar', ticks: { size: 10 } },
    encoding: {
      x,
      y: { field: 'lo', type: 'quantitative', title: 'mean over seeds' },
      y2: { field: 'hi' },
      color: colorEncoding(methods),
    },
  } as const;
}

function pointsOf(row: MethodRow): PlotPoint[] {
  const out: PlotPoint[] = [];
  for (const [metric, stat] of [
    ['Dice', row.dsc],
    ['NSD', row.nsd],
  ] as const) {
    if (!Number.isFinite(stat.mean)) continue;
    const bar = Number.isFinite(stat.std);
    out.push({
      method: row.method,
      budget: row.budget,
      metric,
      mean: stat.mean,
      lo: bar ? stat.mean - stat.std : null,
      hi: bar ? stat.mean + stat.std : null,
      seeds: row.seeds.length,
    });
  }
  return out;
}

function colorEncoding(methods: string[]) {
  return { field: 'method', type: 'nominal', title: 'method', scale: { domain: methods } } as const;
}

const chartConfig = {
  font: 'sans-serif',
  view: { stroke: '#ccc' },
  axis: { labelFontSize: 11, titleFontSize: 12 },
  header: { labelFontSize: 13, labelFontWeight: 'bold' },
} as const;
