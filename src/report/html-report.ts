import { basename } from 'node:path';
import type { Report } from './build-report.js';
import { THUMBNAIL_SIZE } from './draw-thumbnail.js';
import { formatBytes, formatDuration, formatNumber } from './format-values.js';
import { REPORT_CSS } from './html-style.js';
import { GROUP_LEGEND, methodTableLegend } from './markdown-report.js';
import {
  type TextTable,
  groupCells,
  methodTableCells,
  rankingCells,
  trainingStartText,
} from './table-cells.js';
import { pickedByText, worklistHeading, worklistLegend } from './worklist-text.js';
import type { Thumbnail } from './worklist-thumbnails.js';
import type { WorklistEntry } from './worklist.js';

// Escapes text for HTML element content and attribute values.
export function escapeHtml(text: string): string {
  return text
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&#39;');
}

// An HTML table; rowClass names a class per row (e.g. the M0 row); a newline in a cell is a
// line break.
export function htmlTable(table: TextTable, rowClass: (i: number) => string = () => ''): string {
  const head = table.header.map((h) => `<th>${escapeHtml(h)}</th>`).join('');
  const body = table.rows
    .map((cells, i) => {
      const cls = rowClass(i);
      const tds = cells
        .map((c, j) => {
          const text = escapeHtml(c).replaceAll('\n', '<br>');
          return `<td>${table.strong?.has(`${i},${j}`) ? `<strong>${text}</strong>` : text}</td>`;
        })
        .join('');
      return `<tr${cls ? ` class="${cls}"` : ''}>${tds}</tr>`;
    })
    .join('\n');
  return `<div class="scroll"><table><thead><tr>${head}</tr></thead><tbody>\n${body}\n</tbody></table></div>`;
}

// A whole HTML page around a body: inline CSS, no script, no external URL.
export function htmlPage(title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>${REPORT_CSS}</style>
</head>
<body><main>
${body}
<footer>Made by sentinel report from the run's database (no model was run). ${escapeHtml(new Date().toISOString())}</footer>
</main></body>
</html>
`;
}

// The report as one self-contained HTML file: tables, the vega plots as inline SVG, and the
// worklist thumbnails as data-URI PNGs.
export function reportHtml(report: Report): string {
  const r = report.run;
  const parts: string[] = [`<h1>Report: ${escapeHtml(r.name)}</h1>`];
  parts.push(
    `<p class="meta">${r.kind === 'al' ? 'Active learning' : 'Semi-supervised learning'} run <code>${escapeHtml(r.experiment)}</code> · status <b>${escapeHtml(r.status)}</b> · engine ${escapeHtml(r.engine)} · ${r.cases.labeled} labeled, ${r.cases.pool} pool, ${r.cases.test} test cases</p>`,
  );
  const start = trainingStartText(r.training);
  if (start) parts.push(`<p class="meta">${escapeHtml(start)}</p>`);
  parts.push(runDetails(report));
  if (report.status.notes.length > 0) {
    parts.push(
      `<ul class="notes">${report.status.notes.map((n) => `<li>${escapeHtml(n)}</li>`).join('')}</ul>`,
    );
  }
  parts.push('<h2>Methods</h2>');
  if (report.methodTable.length === 0) parts.push('<p>No results to tabulate yet.</p>');
  else parts.push(methodSection(report));
  if (report.groups) {
    parts.push('<h2>Test Dice per case group</h2>', htmlTable(groupCells(report.groups)));
    parts.push(`<p class="legend">${escapeHtml(GROUP_LEGEND)}</p>`);
  }
  parts.push('<h2>Ranking quality against the oracle</h2>');
  if (report.ranking.available) {
    parts.push(htmlTable(rankingCells(report.ranking.rows)));
    parts.push(
      '<p class="legend">Each method\'s ranking of the pool labels against their true Dice (the oracle). Case level: one score per case; organ level: every case-organ label. MAP@k: do the first k labels it flags include the truly worst k.</p>',
    );
  } else {
    parts.push(`<p>Not available: ${escapeHtml(report.ranking.note)}.</p>`);
  }
  parts.push(`<h2>${escapeHtml(worklistHeading(r.kind))}</h2>`);
  parts.push(worklistSection(report));
  parts.push('<h2>Jobs</h2>', jobsSection(report));
  return htmlPage(`Report: ${r.name}`, parts.join('\n'));
}

function runDetails(report: Report): string {
  const r = report.run;
  const models = r.models.map(
    (m) => `${m.role}: ${m.path ? basename(m.path) : '?'} (sha256 ${m.sha256.slice(0, 12)})`,
  );
  const rows: [string, string][] = [
    ['folder', r.dir],
    ['sentinel', r.codeVersion],
    ['config hash', r.configHash],
    ['models', models.length > 0 ? models.join(', ') : '–'],
    ['started / updated', `${r.createdAt} / ${r.updatedAt}`],
  ];
  return `<dl class="run">${rows.map(([k, v]) => `<dt>${escapeHtml(k)}</dt><dd>${escapeHtml(v)}</dd>`).join('')}</dl>`;
}

function methodSection(report: Report): string {
  const rows = report.methodTable;
  const rowClass = (i: number) => {
    const row = rows[i];
    if (row?.isBaseline) return 'baseline';
    const previous = rows[i - 1];
    return previous && !previous.isBaseline && previous.budget !== row?.budget
      ? 'budget-start'
      : '';
  };
  const shared = report.sharedCost;
  // Two tables side by side in the paper's Table 3 would not fit a screen: quality, then cost.
  const table = methodTableCells(rows, report.run.kind);
  const costFrom = table.header.indexOf('QE time');
  const parts = [
    htmlTable(
      pickColumns(table, (i) => i < costFrom),
      rowClass,
    ),
    htmlTable(
      pickColumns(table, (i) => i < 2 || i >= costFrom),
      rowClass,
    ),
  ];
  parts.push(`<p class="legend">${escapeHtml(methodTableLegend(report))}</p>`);
  const { budgetCurve, methodPoints, roundCurve } = report.plots;
  if (budgetCurve) {
    parts.push(
      `<figure>${budgetCurve}<figcaption>Test-set Dice and NSD against the ${report.run.kind === 'al' ? 'budget' : 'top K'}, mean ± std over seeds; every line starts at M0.</figcaption></figure>`,
    );
  }
  if (methodPoints) {
    parts.push(
      `<figure>${methodPoints}<figcaption>Test-set Dice and NSD per method, mean ± std over seeds.</figcaption></figure>`,
    );
  }
  if (roundCurve) {
    parts.push(
      `<figure>${roundCurve}<figcaption>Test-set Dice and NSD after each active-learning round against the labels revised so far (round × N), mean ± std over seeds; every line starts at M0.</figcaption></figure>`,
    );
  }
  return parts.join('\n');
}

function pickColumns(table: TextTable, keep: (i: number) => boolean): TextTable {
  const kept = table.header.map((_, i) => i).filter(keep);
  const strong = new Set<string>();
  for (const key of table.strong ?? []) {
    const [row, column] = key.split(',').map(Number) as [number, number];
    if (kept.includes(column)) strong.add(`${row},${kept.indexOf(column)}`);
  }
  return {
    header: kept.map((i) => table.header[i]!),
    rows: table.rows.map((r) => kept.map((i) => r[i]!)),
    strong,
  };
}

function worklistSection(report: Report): string {
  const worklist = report.worklist;
  if (!worklist.available) return `<p>Not available: ${escapeHtml(worklist.note)}.</p>`;
  if (worklist.entries.length === 0) return '<p>No case picked.</p>';
  const cards = worklist.entries.map((e, i) =>
    worklistCard(e, report.thumbnails[i], worklist.rankedBy),
  );
  return `<p class="legend">${escapeHtml(worklistLegend(worklist, report.run.kind))}</p>\n<div class="worklist">\n${cards.join('\n')}\n</div>`;
}

// One case: its picture (fixed size, so the captions line up), then what a reviewer needs.
function worklistCard(e: WorklistEntry, t: Thumbnail | undefined, rankedBy: string | null): string {
  const size = THUMBNAIL_SIZE;
  const picture = t?.ok
    ? `<img width="${size}" height="${size}" alt="${escapeHtml(`${e.caseId} ${t.organ} slice ${t.slice}`)}" src="data:image/png;base64,${t.png.toString('base64')}">`
    : `<div class="none">${escapeHtml(t ? t.note : 'no picture')}</div>`;
  const truth = e.trueDice === null ? '' : ` · true Dice ${diceHtml(e.trueDice)}`;
  const organs = e.organs
    .map((o) => {
      const organTruth = o.trueDice === null ? '' : ` (true ${diceHtml(o.trueDice)})`;
      return `<li>${escapeHtml(o.organ)} ${formatNumber(o.score)}${organTruth}</li>`;
    })
    .join('');
  const shown = t?.ok
    ? `<div class="shown">pictured: ${escapeHtml(t.organ)}, slice ${t.slice}</div>`
    : '';
  return `<div class="card">${picture}<div class="what">#${e.rank} ${escapeHtml(e.caseId)}</div><div class="nums">${escapeHtml(rankedBy ?? 'score')} ${formatNumber(e.score)}${truth}</div><ul class="organs">${organs}</ul><div class="picked">picked by ${escapeHtml(pickedByText(e))}</div>${shown}</div>`;
}

// A true Dice, in red below 0.8 (a label worth revising).
function diceHtml(dice: number): string {
  return `<span class="${dice < 0.8 ? 'bad' : ''}">${formatNumber(dice)}</span>`;
}

function jobsSection(report: Report): string {
  const counts = Object.entries(report.status.jobsByStatus)
    .map(([s, n]) => `${n} ${s}`)
    .join(', ');
  const parts = [`<p>${escapeHtml(counts || 'no jobs recorded')}.</p>`];
  const listed = [...report.status.failed, ...report.status.notDone];
  if (listed.length > 0) {
    parts.push(
      htmlTable({
        header: ['job', 'status', 'reason', 'message'],
        rows: listed.map((j) => [j.key, j.status, j.reason ?? '', (j.message ?? '').slice(0, 160)]),
      }),
    );
  }
  return parts.join('\n');
}
