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
import type { MethodRow } from './method-table.js';
import type { RankingRow } from './ranking-quality.js';
import type { Thumbnail } from './worklist-thumbnails.js';
import type { WorklistEntry } from './worklist.js';

// A table as text cells, shared by the Markdown and HTML writers so both show the same columns.
export interface TextTable {
  header: string[];
  rows: string[][];
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
    'QE time',
    'QE CPU',
    'QE peak RAM',
    'QE disk',
    'train time',
  ];
  return {
    header,
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
      r.isBaseline ? '–' : r.qeCost ? formatDuration(r.qeCost.wallS) : '0 s',
      r.isBaseline ? '–' : r.qeCost ? formatDuration(r.qeCost.cpuS) : '0 s',
      r.isBaseline ? '–' : formatBytes(r.qeCost?.peakRssBytes),
      r.isBaseline ? '–' : r.qeCost ? formatBytes(r.qeCost.diskBytes) : '0 B',
      formatDuration(r.fineTuneCost?.wallS),
    ]),
  };
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

// The worklist: rank, case, organ, QS score, true Dice, the slice shown.
export function worklistCells(
  entries: readonly WorklistEntry[],
  thumbnails: readonly Thumbnail[],
): TextTable {
  return {
    header: ['rank', 'case', 'organ', 'QS score', 'true Dice', 'slice'],
    rows: entries.map((e, i) => {
      const t = thumbnails[i];
      return [
        String(e.rank),
        e.caseId,
        e.organ,
        formatNumber(e.qsScore),
        formatNumber(e.trueDice),
        t?.ok ? String(t.slice) : e.worstSlice === null ? '–' : String(e.worstSlice),
      ];
    }),
  };
}
