import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Report } from './build-report.js';
import { methodTableCsv, rankingCsv, seedValuesCsv, worklistCsv } from './csv-report.js';
import { reportHtml } from './html-report.js';
import { reportJson } from './json-report.js';
import { reportMarkdown } from './markdown-report.js';
import type { ReportFormat } from './report-formats.js';

const WORKLIST_DIR = 'worklist';

// Writes the report into `outDir` in the given formats and returns the files written (relative
// to outDir): report.md, report.html, report.json; method-table.csv (tidy), seeds.csv,
// ranking-quality.csv, worklist.csv; the plots as SVG and the thumbnails as PNG in worklist/.
export async function writeReport(
  report: Report,
  outDir: string,
  formats: readonly ReportFormat[],
): Promise<string[]> {
  await mkdir(outDir, { recursive: true });
  const written: string[] = [];
  const put = async (name: string, content: string | Buffer) => {
    await writeFile(join(outDir, name), content);
    written.push(name);
  };
  const thumbnailFiles = await writeThumbnails(report, outDir);
  written.push(...thumbnailFiles.filter((f): f is string => f !== null));
  if (report.plots.budgetCurve) await put('budget-curve.svg', report.plots.budgetCurve);
  if (report.plots.methodPoints) await put('methods.svg', report.plots.methodPoints);
  if (report.plots.roundCurve) await put('round-curve.svg', report.plots.roundCurve);
  const worklistCsvName = 'worklist.csv';
  for (const format of formats) {
    if (format === 'md')
      await put(
        'report.md',
        reportMarkdown(report, {
          worklistCsv: formats.includes('csv') ? worklistCsvName : undefined,
        }),
      );
    if (format === 'html') await put('report.html', reportHtml(report));
    if (format === 'json') await put('report.json', reportJson(report, thumbnailFiles));
    if (format === 'csv') {
      await put('method-table.csv', methodTableCsv(report));
      await put('seeds.csv', seedValuesCsv(report));
      await put('ranking-quality.csv', rankingCsv(report));
      await put(worklistCsvName, worklistCsv(report, thumbnailFiles));
    }
  }
  return written;
}

// Writes worklist/NN-case-organ.png per thumbnail (the organ pictured) (the folder is replaced, so a report written
// again holds no stale pictures); returns each entry's file or null.
async function writeThumbnails(report: Report, outDir: string): Promise<(string | null)[]> {
  const dir = join(outDir, WORKLIST_DIR);
  await rm(dir, { recursive: true, force: true });
  if (!report.worklist.available || !report.thumbnails.some((t) => t.ok))
    return report.thumbnails.map(() => null);
  await mkdir(dir, { recursive: true });
  const width = String(report.worklist.entries.length).length;
  const files: (string | null)[] = [];
  for (const [i, entry] of report.worklist.entries.entries()) {
    const t = report.thumbnails[i];
    if (!t?.ok) {
      files.push(null);
      continue;
    }
    const name = `${String(entry.rank).padStart(width, '0')}-${safeName(entry.caseId)}-${safeName(t.organ)}.png`;
    await writeFile(join(dir, name), t.png);
    files.push(`${WORKLIST_DIR}/${name}`);
  }
  return files;
}

function safeName(text: string): string {
  return text.replace(/[^A-Za-z0-9._-]+/g, '_');
}
