import type { Report } from './build-report.js';
import { formatBytes, formatDuration } from './format-values.js';
import {
  type TextTable,
  groupCells,
  methodTableCells,
  rankingCells,
  roundCells,
  trainingStartText,
  worklistCells,
} from './table-cells.js';
import { worklistHeading, worklistLegend } from './worklist-text.js';

// A GitHub-flavoured Markdown table (pipes in cells escaped).
export function markdownTable(table: TextTable): string {
  const cell = (text: string) => text.replaceAll('|', '\\|').replaceAll('\n', ' ');
  const line = (cells: string[]) => `| ${cells.map(cell).join(' | ')} |`;
  const align = table.header.map((_, i) => (i === 0 ? '---' : '---:'));
  const rows = table.rows.map((cells, i) =>
    cells.map((c, j) => (table.strong?.has(`${i},${j}`) && c !== '' ? `**${c}**` : c)),
  );
  return [line(table.header), `|${align.join('|')}|`, ...rows.map(line)].join('\n');
}

// The report in Markdown, for papers and READMEs: the run, notes, the method table, ranking
// quality and the worklist (thumbnails are in the HTML and the worklist folder).
export function reportMarkdown(report: Report, files: { worklistCsv?: string } = {}): string {
  const r = report.run;
  const out: string[] = [`# Report: ${r.name}`, ''];
  out.push(
    `${r.kind === 'al' ? 'Active learning' : 'Semi-supervised learning'} run \`${r.experiment}\` (${r.status}), engine ${r.engine}, sentinel ${r.codeVersion}, config ${r.configHash.slice(0, 12)}. Cases: ${r.cases.labeled} labeled, ${r.cases.pool} pool, ${r.cases.test} test.`,
    '',
  );
  const start = trainingStartText(r.training);
  if (start) out.push(start, '');
  if (r.models.length > 0)
    out.push(
      `Models: ${r.models.map((m) => `${m.role} \`${m.path ?? '?'}\` (sha256 ${m.sha256.slice(0, 12)})`).join(', ')}.`,
      '',
    );
  if (report.status.notes.length > 0) {
    out.push('## Notes', '', ...report.status.notes.map((n) => `- ${n}`), '');
  }
  out.push('## Methods', '');
  if (report.methodTable.length === 0) {
    out.push('No results to tabulate yet.', '');
  } else {
    out.push(markdownTable(methodTableCells(report.methodTable, r.kind)), '');
    out.push(methodTableLegend(report), '');
  }
  if (report.rounds.length > 0) {
    out.push('## Active-learning rounds', '');
    out.push(markdownTable(roundCells(report.rounds)), '');
    out.push(ROUNDS_LEGEND, '');
  }
  if (report.groups) {
    out.push('## Test Dice per case group', '');
    out.push(markdownTable(groupCells(report.groups)), '');
    out.push(GROUP_LEGEND, '');
  }
  out.push('## Ranking quality against the oracle', '');
  if (report.ranking.available) {
    out.push(markdownTable(rankingCells(report.ranking.rows)), '');
    out.push(
      'Pool labels ranked by each method against their true Dice (the oracle): case level = one score per case, organ level = every case-organ label; MAP@k as defined in src/metrics/map-at-k.ts (the truly worst k found first).',
      '',
    );
  } else {
    out.push(`Not available: ${report.ranking.note}.`, '');
  }
  out.push(`## ${worklistHeading(report.run.kind)}`, '');
  const worklist = report.worklist;
  if (worklist.available) {
    out.push(worklistLegend(worklist, report.run.kind), '');
    out.push(
      markdownTable(worklistCells(worklist.entries, report.thumbnails, worklist.rankedBy)),
      '',
    );
    if (files.worklistCsv)
      out.push(`Thumbnails: next to \`${files.worklistCsv}\` and in the HTML report.`, '');
  } else {
    out.push(`Not available: ${worklist.note}.`, '');
  }
  return `${out.join('\n')}\n`;
}

export const ROUNDS_LEGEND =
  'Mean ± std over seeds after each round (al-run --rounds): round r fine-tunes on the labeled set plus the r x N pool cases revised so far, each round picking the N lowest-scored of what is left as re-scored by the previous round model. The per-round curve (round-curve.svg, the HTML report) draws these columns.';

export const GROUP_LEGEND =
  'Mean over seeds of the mean Dice over the test cases of each group (per case the mean over organs): where a gain comes from, and which group a fine-tune forgets.';

// The method table's legend, shared by the Markdown and HTML reports.
export function methodTableLegend(report: Report): string {
  const al = report.run.kind === 'al';
  const shared = report.sharedCost;
  const sharedText = shared
    ? ` Shared jobs (M0 training and the pool's pseudo labels), per repeat: ${formatDuration(shared.wallS)}, peak RAM ${formatBytes(shared.peakRssBytes)}, disk ${formatBytes(shared.diskBytes)}.`
    : '';
  const tolerance = report.run.nsdToleranceMm;
  const methods = new Set(report.methodTable.filter((r) => !r.isBaseline).map((r) => r.method));
  return [
    `DSC/NSD: mean ± std over seeds of the test-set mean (per case the mean over organs, organs absent from both maps left out)${tolerance === null ? '' : `; NSD at a boundary tolerance of ${tolerance} mm`}.`,
    `${al ? 'revised: pool scans sent to revision (added to labeled)' : 'pseudo: pseudo labels kept for self-training'}; unlabeled: pool scans not used.`,
    `p-values are not corrected for multiple comparisons (${methods.size} methods incl. the control; multiply by the number of comparisons you read for a Bonferroni bound).`,
    'Bold: the best DSC and NSD at each budget among the selection methods (M0, the control and the oracle left out).',
    'Δ vs M0: difference of means. − random: paired over seeds (same budget), two-sided paired t-test. − control: the same against labeled-only, the control fine-tuned on the labeled set alone with the same schedule (what fine-tuning gains without any selected case).',
    `QE: quality-estimation cost per repeat (the method's own pool predictions and scoring, beyond the shared pseudo labels): wall time, CPU time, peak RAM of the largest job, bytes written. Train time: fine-tuning (for M0: its training), test prediction and evaluation, per repeat.${sharedText}`,
  ].join(' ');
}
