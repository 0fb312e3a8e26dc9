import { type CsvCell as Cell, toCsv } from '../csv/to-csv.js';
import type { Report } from './build-report.js';
import type { CostFigures } from './method-costs.js';
import type { MethodRow } from './method-table.js';
import { organText, pickedByText } from './worklist-text.js';

// The method table in tidy long form, one value a line (run, method, budget, measure, value):
// pandas.read_csv(...).pivot(index=['method', 'budget'], columns='measure', values='value').
export function methodTableCsv(report: Report): string {
  const rows: Cell[][] = [];
  for (const r of report.methodTable) {
    for (const [measure, value] of measuresOf(r))
      rows.push([report.run.name, r.method, r.budget, measure, value]);
  }
  return toCsv(['run', 'method', 'budget', 'measure', 'value'], rows);
}

// Dice and NSD of every fine-tuned model (method, budget, seed): what the means are over.
export function seedValuesCsv(report: Report): string {
  const rows = report.methodTable.flatMap((r) =>
    r.seeds.map((seed, i) => [
      report.run.name,
      r.method,
      r.budget,
      seed,
      r.dsc.values[i],
      r.nsd.values[i],
    ]),
  );
  return toCsv(['run', 'method', 'budget', 'seed', 'dsc', 'nsd'], rows);
}

// Ranking quality against the oracle per method, level and seed.
export function rankingCsv(report: Report): string {
  if (!report.ranking.available)
    return toCsv(
      ['run', 'method', 'level', 'seed', 'n', 'pearson', 'spearman', 'map5', 'map10'],
      [],
    );
  const rows = report.ranking.rows.flatMap((r) =>
    r.perSeed.map((f, i) => [
      report.run.name,
      r.method,
      r.level,
      r.seeds[i],
      f.n,
      f.pearson,
      f.spearman,
      f.map5,
      f.map10,
    ]),
  );
  return toCsv(
    ['run', 'method', 'level', 'seed', 'n', 'pearson', 'spearman', 'map5', 'map10'],
    rows,
  );
}

// The worklist with each thumbnail's file (relative to the CSV), in the worklist's order.
export function worklistCsv(report: Report, thumbnailFiles: readonly (string | null)[]): string {
  const entries = report.worklist.available ? report.worklist.entries : [];
  const rows = entries.map((e, i) => {
    const t = report.thumbnails[i];
    return [
      e.rank,
      e.caseId,
      pickedByText(e),
      e.score,
      e.trueDice,
      e.organs.map(organText).join('; '),
      t?.ok ? t.organ : null,
      t?.ok ? t.slice : null,
      thumbnailFiles[i] ?? null,
    ];
  });
  return toCsv(
    [
      'rank',
      'case',
      'picked_by',
      'score',
      'true_dice',
      'worst_organs',
      'organ',
      'slice',
      'thumbnail',
    ],
    rows,
  );
}

function measuresOf(r: MethodRow): [string, Cell][] {
  const test = (prefix: string, t: MethodRow['vsRandomDsc'], other = 'random'): [string, Cell][] =>
    t === null
      ? []
      : [
          [`${prefix}_diff_vs_${other}`, t.meanDifference],
          [`${prefix}_diff_vs_${other}_ci95_low`, t.ci95[0]],
          [`${prefix}_diff_vs_${other}_ci95_high`, t.ci95[1]],
          [`${prefix}_t_vs_${other}`, t.t],
          [`${prefix}_df_vs_${other}`, t.df],
          [`${prefix}_p_vs_${other}`, t.pValue],
        ];
  const cost = (prefix: string, c: CostFigures | null): [string, Cell][] =>
    c === null
      ? []
      : [
          [`${prefix}_jobs`, c.jobs],
          [`${prefix}_wall_s`, c.wallS],
          [`${prefix}_cpu_s`, c.cpuS],
          [`${prefix}_peak_rss_bytes`, c.peakRssBytes],
          [`${prefix}_disk_bytes`, c.diskBytes],
        ];
  return [
    ['labeled', r.labeled],
    ['selected', r.selected],
    ['unlabeled', r.unlabeled],
    ['seeds', r.seeds.length],
    ['dsc_mean', r.dsc.mean],
    ['dsc_std', r.dsc.std],
    ['nsd_mean', r.nsd.mean],
    ['nsd_std', r.nsd.std],
    ['dsc_gain_vs_m0', r.gainDsc],
    ['nsd_gain_vs_m0', r.gainNsd],
    ...test('dsc', r.vsRandomDsc),
    ...test('nsd', r.vsRandomNsd),
    ...test('dsc', r.vsControlDsc, 'control'),
    ...test('nsd', r.vsControlNsd, 'control'),
    ...cost('qe', r.qeCost),
    ...cost('finetune', r.fineTuneCost),
  ];
}
