import type { ExperimentKind } from '../db/schema.js';
import {
  formatBytes,
  formatDifference,
  formatDuration,
  formatMeanStd,
  formatNumber,
  formatP,
  formatSigned,
  methodLabel,
} from './format-values.js';
import type { GroupTable } from './group-table.js';
import type { MethodRow } from './method-table.js';
import { ORACLE_METHOD, type RankingRow } from './ranking-quality.js';
import type { RoundPoint } from './round-curve.js';
import { organText, pickedByText } from './worklist-text.js';
import type { Thumbnail } from './worklist-thumbnails.js';
import type { WorklistEntry } from './worklist.js';

// A table as text cells, shared by the Markdown and HTML writers so both show the same columns.
export interface TextTable {
  header: string[];
  rows: string[][];
  // Cells to emphasise ("row,column", 0-based): Markdown bold, HTML <strong>.
  strong?: Set<string>;
}

// The method table's columns (the paper's Table 3), one row per method and budget.
export function methodTableCells(rows: readonly MethodRow[], kind: ExperimentKind): TextTable {
  const header = [
    'method',
    kind === 'al' ? 'budget' : 'top K',
    'labeled',
    kind === 'al' ? 'revised' : 'pseudo',
    'unlabeled',
    'seeds',
    'DSC',
    'NSD',
    'ΔDSC vs M0',
    'ΔNSD vs M0',
    'DSC − random [95% CI]',
    'p (DSC)',
    'NSD − random [95% CI]',
    'p (NSD)',
    'DSC − control [95% CI]',
    'p (DSC vs control)',
    'QE time',
    'QE CPU',
    'QE peak RAM',
    'QE disk',
    'train time',
  ];
  const dscColumn = header.indexOf('DSC');
  const strong = new Set<string>();
  for (const [column, value] of [
    [dscColumn, (r: MethodRow) => r.dsc.mean],
    [dscColumn + 1, (r: MethodRow) => r.nsd.mean],
  ] as const) {
    for (const index of bestPerBudget(rows, value)) strong.add(`${index},${column}`);
  }
  return {
    header,
    strong,
    rows: rows.map((r) => [
      methodLabel(r.method),
      String(r.budget),
      String(r.labeled),
      String(r.selected),
      String(r.unlabeled),
      String(r.seeds.length),
      formatMeanStd(r.dsc),
      formatMeanStd(r.nsd),
      formatSigned(r.gainDsc),
      formatSigned(r.gainNsd),
      formatDifference(r.vsRandomDsc),
      formatP(r.vsRandomDsc?.pValue),
      formatDifference(r.vsRandomNsd),
      formatP(r.vsRandomNsd?.pValue),
      formatDifference(r.vsControlDsc),
      formatP(r.vsControlDsc?.pValue),
      r.isBaseline || r.isControl ? '–' : r.qeCost ? formatDuration(r.qeCost.wallS) : '0 s',
      r.isBaseline || r.isControl ? '–' : r.qeCost ? formatDuration(r.qeCost.cpuS) : '0 s',
      r.isBaseline || r.isControl ? '–' : formatBytes(r.qeCost?.peakRssBytes),
      r.isBaseline || r.isControl ? '–' : r.qeCost ? formatBytes(r.qeCost.diskBytes) : '0 B',
      formatDuration(r.fineTuneCost?.wallS),
    ]),
  };
}

// Per budget, the row (index) with the highest value among the selection methods: M0, the
// labeled-only control and the oracle (the yardstick, not a method one can run) left out.
function bestPerBudget(rows: readonly MethodRow[], value: (r: MethodRow) => number): number[] {
  const best = new Map<number, number>();
  rows.forEach((r, i) => {
    if (r.isBaseline || r.isControl || r.method === ORACLE_METHOD || !Number.isFinite(value(r)))
      return;
    const current = best.get(r.budget);
    if (current === undefined || value(r) > value(rows[current]!)) best.set(r.budget, i);
  });
  return [...best.values()];
}

// Ranking quality against the oracle, one row per method and level (mean ± std over seeds).
export function rankingCells(rows: readonly RankingRow[]): TextTable {
  const stat = (r: RankingRow, k: 'pearson' | 'spearman' | 'map5' | 'map10') =>
    formatMeanStd({ mean: r.mean[k], std: r.std[k] });
  return {
    header: ['method', 'level', 'labels', 'seeds', 'Pearson r', 'Spearman ρ', 'MAP@5', 'MAP@10'],
    rows: rows.map((r) => [
      methodLabel(r.method),
      r.level,
      String(r.mean.n),
      String(r.seeds.length),
      stat(r, 'pearson'),
      stat(r, 'spearman'),
      stat(r, 'map5'),
      stat(r, 'map10'),
    ]),
  };
}

// The worklist: rank, case, the methods that picked it, its score and true Dice, its worst
// organs, and the organ and slice pictured.
export function worklistCells(
  entries: readonly WorklistEntry[],
  thumbnails: readonly Thumbnail[],
  rankedBy: string | null,
): TextTable {
  return {
    header: [
      'rank',
      'case',
      'picked by',
      `${rankedBy ?? 'score'}`,
      'true Dice',
      'worst organs',
      'pictured',
    ],
    rows: entries.map((e, i) => {
      const t = thumbnails[i];
      return [
        String(e.rank),
        e.caseId,
        pickedByText(e),
        formatNumber(e.score),
        formatNumber(e.trueDice),
        e.organs.map(organText).join('; ') || '–',
        t?.ok ? `${t.organ}, slice ${t.slice}` : '–',
      ];
    }),
  };
}

// Test-set Dice per case group: one row per method and budget, one column per group (its test
// cases in brackets).
export function groupCells(table: GroupTable): TextTable {
  return {
    header: ['method', 'budget', ...table.groups.map((g) => `${g.name} (${g.cases})`)],
    rows: table.rows.map((r) => [
      methodLabel(r.method),
      String(r.budget),
      ...r.dsc.map((d) => formatNumber(d)),
    ]),
  };
}

// Where fine-tuning starts, in words, for a report's heading; null when the run did not record it.
export function trainingStartText(training: {
  pretrained: string | null;
  finetuneFrom: 'm0' | 'init' | null;
}): string | null {
  if (training.finetuneFrom === null) return null;
  const m0 = training.pretrained
    ? `M0: the pretrained init (${training.pretrained}) fine-tuned on the labeled set`
    : 'M0: trained from scratch on the labeled set';
  const from =
    training.finetuneFrom === 'init' && training.pretrained
      ? 'the pretrained init'
      : training.finetuneFrom === 'init'
        ? 'scratch (no pretrained init)'
        : 'M0';
  return `${m0}. Fine-tunes (every method and the labeled-only control) start from ${from}.`;
}

// The per-round table: one row per method and budget, one column per round with the labels
// revised by then (round x N).
export function roundCells(points: readonly RoundPoint[]): TextTable {
  const rounds = [...new Set(points.map((p) => p.round))].sort((a, b) => a - b);
  const lines = [...new Set(points.map((p) => `${p.budget}\u0000${p.method}`))];
  const rows = lines.map((line) => {
    const [budget, method] = line.split('\u0000') as [string, string];
    const cells = rounds.map((round) => {
      const p = points.find(
        (x) => x.round === round && x.method === method && `${x.budget}` === budget,
      );
      if (!p) return '–';
      return `${p.labels}: ${formatMeanStd({ mean: p.dsc, std: p.dscStd })} / ${formatMeanStd({ mean: p.nsd, std: p.nsdStd })}`;
    });
    return [methodLabel(method), budget, ...cells];
  });
  return {
    header: ['Method', 'N', ...rounds.map((r) => `round ${r}: labels, DSC / NSD`)],
    rows,
  };
}
