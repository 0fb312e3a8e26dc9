import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { toCsv } from '../csv/to-csv.js';
import type { ComparedMethod, Comparison } from './compare-runs.js';
import {
  formatBytes,
  formatDuration,
  formatMeanStd,
  formatNumber,
  formatP,
  formatSigned,
  methodLabel,
} from './format-values.js';
import { escapeHtml, htmlPage, htmlTable } from './html-report.js';
import { markdownTable } from './markdown-report.js';
import type { RankingRow } from './ranking-quality.js';
import type { ReportFormat } from './report-formats.js';
import type { TextTable } from './table-cells.js';

// The comparison's method table: A, B and B − A (paired over seeds) for Dice and NSD, and the
// QE cost of each.
export function comparisonCells(c: Comparison): TextTable {
  const stat = (r: ComparedMethod['a'], pick: 'dsc' | 'nsd') => (r ? formatMeanStd(r[pick]) : '–');
  const cost = (r: ComparedMethod['a']) =>
    r && !r.isBaseline ? formatDuration(r.qeCost?.wallS ?? 0) : '–';
  const ram = (r: ComparedMethod['a']) =>
    r && !r.isBaseline ? formatBytes(r.qeCost?.peakRssBytes) : '–';
  return {
    header: [
      'method',
      'budget',
      'seeds A/B',
      'DSC A',
      'DSC B',
      'ΔDSC B−A',
      'p (DSC)',
      'NSD A',
      'NSD B',
      'ΔNSD B−A',
      'p (NSD)',
      'QE time A',
      'QE time B',
      'QE RAM A',
      'QE RAM B',
    ],
    rows: c.methods.map((m) => [
      methodLabel(m.method),
      String(m.budget),
      `${m.a?.seeds.length ?? 0}/${m.b?.seeds.length ?? 0}`,
      stat(m.a, 'dsc'),
      stat(m.b, 'dsc'),
      formatSigned(m.diffDsc),
      formatP(m.pairedDsc?.pValue),
      stat(m.a, 'nsd'),
      stat(m.b, 'nsd'),
      formatSigned(m.diffNsd),
      formatP(m.pairedNsd?.pValue),
      cost(m.a),
      cost(m.b),
      ram(m.a),
      ram(m.b),
    ]),
  };
}

// Ranking quality of each ranker in both runs (means over seeds).
export function comparisonRankingCells(c: Comparison): TextTable {
  const v = (r: RankingRow | null, k: 'pearson' | 'spearman' | 'map5' | 'map10') =>
    r ? formatNumber(r.mean[k]) : '–';
  return {
    header: [
      'method',
      'level',
      'Pearson A',
      'Pearson B',
      'Spearman A',
      'Spearman B',
      'MAP@5 A',
      'MAP@5 B',
      'MAP@10 A',
      'MAP@10 B',
    ],
    rows: c.ranking.map((r) => [
      methodLabel(r.method),
      r.level,
      v(r.a, 'pearson'),
      v(r.b, 'pearson'),
      v(r.a, 'spearman'),
      v(r.b, 'spearman'),
      v(r.a, 'map5'),
      v(r.b, 'map5'),
      v(r.a, 'map10'),
      v(r.b, 'map10'),
    ]),
  };
}

function heading(c: Comparison): { title: string; lines: string[] } {
  return {
    title: `Comparison: ${c.a.name} (A) vs ${c.b.name} (B)`,
    lines: [
      `A: ${c.a.dir} (${c.a.kind}, ${c.a.status}, engine ${c.a.engine})`,
      `B: ${c.b.dir} (${c.b.kind}, ${c.b.status}, engine ${c.b.engine})`,
      c.differences.length > 0
        ? `Setups differ in: ${c.differences.join('; ')}.`
        : 'Same setup (engine, models, config).',
    ],
  };
}

// The comparison in Markdown.
export function comparisonMarkdown(c: Comparison): string {
  const h = heading(c);
  const out = [`# ${h.title}`, '', ...h.lines.map((l) => `- ${l}`), ''];
  if (c.notes.length > 0) out.push('## Notes', '', ...c.notes.map((n) => `- ${n}`), '');
  out.push('## Methods', '', markdownTable(comparisonCells(c)), '');
  out.push(
    'Δ: B minus A (means over seeds); p: paired t-test of B against A over the seeds both ran.',
    '',
  );
  if (c.ranking.length > 0)
    out.push(
      '## Ranking quality against the oracle',
      '',
      markdownTable(comparisonRankingCells(c)),
      '',
    );
  return `${out.join('\n')}\n`;
}

// The comparison as one self-contained HTML page.
export function comparisonHtml(c: Comparison): string {
  const h = heading(c);
  const parts = [
    `<h1>${escapeHtml(h.title)}</h1>`,
    `<ul>${h.lines.map((l) => `<li>${escapeHtml(l)}</li>`).join('')}</ul>`,
  ];
  if (c.notes.length > 0)
    parts.push(
      `<ul class="notes">${c.notes.map((n) => `<li>${escapeHtml(n)}</li>`).join('')}</ul>`,
    );
  parts.push(
    '<h2>Methods</h2>',
    htmlTable(comparisonCells(c), (i) => (c.methods[i]?.method === 'baseline' ? 'baseline' : '')),
  );
  parts.push(
    '<p class="legend">Δ: B minus A (means over seeds); p: paired t-test of B against A over the seeds both ran.</p>',
  );
  if (c.ranking.length > 0)
    parts.push('<h2>Ranking quality against the oracle</h2>', htmlTable(comparisonRankingCells(c)));
  return htmlPage(h.title, parts.join('\n'));
}

// The comparison in tidy long form: run (A or B), method, budget, measure, value.
export function comparisonCsv(c: Comparison): string {
  const rows: (string | number | null)[][] = [];
  for (const m of c.methods) {
    for (const [side, r] of [
      ['A', m.a],
      ['B', m.b],
    ] as const) {
      if (!r) continue;
      rows.push(
        [side, m.method, m.budget, 'dsc_mean', r.dsc.mean],
        [side, m.method, m.budget, 'dsc_std', r.dsc.std],
      );
      rows.push(
        [side, m.method, m.budget, 'nsd_mean', r.nsd.mean],
        [side, m.method, m.budget, 'nsd_std', r.nsd.std],
      );
      rows.push([side, m.method, m.budget, 'qe_wall_s', r.qeCost?.wallS ?? null]);
      rows.push([side, m.method, m.budget, 'qe_peak_rss_bytes', r.qeCost?.peakRssBytes ?? null]);
    }
    rows.push(
      ['B-A', m.method, m.budget, 'dsc_diff', m.diffDsc],
      ['B-A', m.method, m.budget, 'nsd_diff', m.diffNsd],
    );
    rows.push(
      ['B-A', m.method, m.budget, 'dsc_p', m.pairedDsc?.pValue ?? null],
      ['B-A', m.method, m.budget, 'nsd_p', m.pairedNsd?.pValue ?? null],
    );
  }
  return toCsv(['run', 'method', 'budget', 'measure', 'value'], rows);
}

// Writes compare.md / .html / .csv / .json into outDir; returns the file names.
export async function writeComparison(
  c: Comparison,
  outDir: string,
  formats: readonly ReportFormat[],
): Promise<string[]> {
  await mkdir(outDir, { recursive: true });
  const files: [ReportFormat, string, () => string][] = [
    ['md', 'compare.md', () => comparisonMarkdown(c)],
    ['html', 'compare.html', () => comparisonHtml(c)],
    ['csv', 'compare.csv', () => comparisonCsv(c)],
    [
      'json',
      'compare.json',
      () =>
        `${JSON.stringify({ format: 'sentinel-compare/1', ...c }, (_k, v) => (typeof v === 'number' && !Number.isFinite(v) ? null : v), 2)}\n`,
    ],
  ];
  const written: string[] = [];
  for (const [format, name, make] of files) {
    if (!formats.includes(format)) continue;
    await writeFile(join(outDir, name), make());
    written.push(name);
  }
  return written;
}
