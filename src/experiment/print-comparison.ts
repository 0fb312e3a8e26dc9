import {
  formatBytes,
  formatDuration,
  formatMeanStd,
  formatP,
  formatSigned,
  methodLabel,
} from '../report/format-values.js';
import { loadRun } from '../report/load-run.js';
import { buildMethodTable } from '../report/method-table.js';
import { formatTable } from '../score/score-summary.js';

// The table printed at the end of a run (the report's method table, short): per method and
// budget, Dice and NSD mean ± std over seeds, the paired difference of Dice from random and from
// the labeled-only control with their p-values (paired t-tests over seeds, uncorrected), and the
// measured quality-estimation cost per repeat (wall and CPU seconds: jobs that share the CPUs
// take longer by the clock than by CPU time). Nothing when no method has results yet (every
// fine-tune failed, say): an empty table would only stand before the error.
export function printComparison(runDir: string, out: NodeJS.WritableStream = process.stdout): void {
  const rows = buildMethodTable(loadRun(runDir)).map((r) => [
    methodLabel(r.method),
    r.isBaseline ? '-' : String(r.budget),
    String(r.seeds.length),
    formatMeanStd(r.dsc),
    formatMeanStd(r.nsd),
    formatSigned(r.vsRandomDsc?.meanDifference ?? null),
    formatP(r.vsRandomDsc?.pValue),
    formatSigned(r.vsControlDsc?.meanDifference ?? null),
    formatP(r.vsControlDsc?.pValue),
    r.isBaseline || r.isControl ? '-' : formatDuration(r.qeCost?.wallS ?? 0),
    r.isBaseline || r.isControl ? '-' : formatDuration(r.qeCost?.cpuS ?? 0),
    r.isBaseline || r.isControl ? '-' : formatBytes(r.qeCost?.peakRssBytes ?? 0),
    r.isBaseline || r.isControl ? '-' : formatBytes(r.qeCost?.diskBytes ?? 0),
  ]);
  if (rows.length === 0) return;
  const header = [
    'method',
    'budget',
    'seeds',
    'Dice',
    'NSD',
    'Δ vs random',
    'p vs random',
    'Δ vs control',
    'p vs control',
    'QE time',
    'QE CPU',
    'QE peak RAM',
    'QE disk',
  ];
  out.write(`\n${formatTable(header, rows)}\n\n`);
}
