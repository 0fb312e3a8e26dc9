import { basename, dirname, join, resolve } from 'node:path';
import { z } from 'zod';
import type { Job } from '../../db/jobs.js';
import { UserError } from '../../errors.js';
import { REPORT_FORMATS, type ReportFormat } from '../../report/report-formats.js';
import { defineCommand } from '../command.js';
import { booleanFlag, commaList, stringFlag, text, wholeNumber } from '../flags.js';

// One of REPORT_FORMATS, in any case.
const reportFormat = z
  .string()
  .transform((f) => f.toLowerCase())
  .pipe(z.enum(REPORT_FORMATS, { error: (issue) => `unknown report format "${issue.input}"` }));

// `sentinel report`: the tables, plots, ranking quality and worklist of a run, read from its
// database only (no model is run); or two runs side by side with --compare.
const report = defineCommand({
  description:
    'Report a run (method table, budget curve, ranking quality, worklist) or compare two',
  usage:
    'sentinel report --run runs/NAME [--format md,html,csv,json] [--out DIR] [--worklist N] [--verify]\n       sentinel report --compare runs/A runs/B [--format ...] [--out DIR]',
  flags: {
    run: stringFlag(
      'DIR',
      'the run folder (its database) to report; also accepted as the only argument',
      text.optional(),
    ),
    compare: booleanFlag('compare the two run folders given as arguments'),
    format: stringFlag(
      'F[,F...]',
      'files to write',
      commaList(reportFormat).transform((formats) => [...new Set(formats)]),
      REPORT_FORMATS.join(','),
    ),
    out: stringFlag(
      'DIR',
      'where the files go (default: <run>/report, or compare-<A>-vs-<B> beside run A)',
      text.optional(),
    ),
    verify: booleanFlag(
      "check every finished job's files against their recorded size and sha256, and report nothing else",
    ),
    worklist: stringFlag(
      'N',
      "cases of each method's selection (largest budget, first seed) to list for review (0: none)",
      wholeNumber(),
      '20',
    ),
  },
  allowPositionals: true,
  async run({ flags, positionals }) {
    if (flags.compare) return compare(positionals, flags.format, flags.out);
    const run = flags.run ?? positionals[0];
    if (run === undefined || positionals.length > (flags.run === undefined ? 1 : 0)) {
      throw new UserError('give one run: --run runs/NAME (or --compare runs/A runs/B)', {
        hint: report.usage,
      });
    }
    const { loadRun } = await import('../../report/load-run.js');
    const { buildReport } = await import('../../report/build-report.js');
    const { writeReport } = await import('../../report/write-report.js');
    const { markdownTable } = await import('../../report/markdown-report.js');
    const { methodTableCells } = await import('../../report/table-cells.js');
    const data = loadRun(run);
    if (flags.verify) return verifyRun(data.dir, data.jobs);
    await warnOfChangedOutputs(data.dir, data.jobs);
    const built = await buildReport(data, { worklistSize: flags.worklist });
    const outDir = resolve(flags.out ?? join(data.dir, 'report'));
    const files = await writeReport(built, outDir, flags.format);
    if (built.methodTable.length > 0) {
      process.stdout.write(
        `${markdownTable(methodTableCells(built.methodTable, built.run.kind))}\n\n`,
      );
    }
    for (const note of built.status.notes) process.stdout.write(`note: ${note}\n`);
    process.stdout.write(`report of ${data.dir} written to ${outDir}: ${summarizeFiles(files)}\n`);
    return 0;
  },
});
export default report;

async function compare(
  positionals: string[],
  formats: readonly ReportFormat[],
  out: string | undefined,
): Promise<number> {
  if (positionals.length !== 2) {
    throw new UserError(`--compare takes two run folders, got ${positionals.length}`, {
      hint: 'sentinel report --compare runs/A runs/B',
    });
  }
  const [pathA, pathB] = positionals as [string, string];
  const { loadRun } = await import('../../report/load-run.js');
  const { compareRuns } = await import('../../report/compare-runs.js');
  const { comparisonCells, writeComparison } = await import('../../report/compare-output.js');
  const { markdownTable } = await import('../../report/markdown-report.js');
  const runA = loadRun(pathA);
  const runB = loadRun(pathB);
  const comparison = compareRuns(runA, runB);
  const outDir = resolve(
    out ?? join(dirname(runA.dir), `compare-${basename(runA.dir)}-vs-${basename(runB.dir)}`),
  );
  const files = await writeComparison(comparison, outDir, formats);
  if (comparison.methods.length > 0)
    process.stdout.write(`${markdownTable(comparisonCells(comparison))}\n\n`);
  for (const d of comparison.differences) process.stdout.write(`differs: ${d}\n`);
  for (const note of comparison.notes) process.stdout.write(`note: ${note}\n`);
  process.stdout.write(`comparison written to ${outDir}: ${files.join(', ')}\n`);
  return 0;
}

// --verify: every finished job's files, sha256 included; a changed one is an error (exit 1).
async function verifyRun(dir: string, jobs: Job[]): Promise<number> {
  const { findStaleJobs, describeStaleJobs } = await import('../../experiment/stale-jobs.js');
  const stale = await findStaleJobs(jobs, dir, { hash: true });
  const done = jobs.filter((job) => job.status === 'done');
  if (stale.length === 0) {
    const files = done.reduce((n, job) => n + (job.outputs?.length ?? 0), 0);
    process.stdout.write(
      `verified ${dir}: ${done.length} finished job(s), ${files} file(s), all as recorded\n`,
    );
    return 0;
  }
  throw new UserError(
    `${stale.length} finished job(s) of ${dir} must run again: files they wrote or read were removed or changed:\n${describeStaleJobs(stale)}`,
    {
      hint: 'run the same al-run or ssl-run command again: it redoes them, and keeps the rest',
      exitCode: 1,
    },
  );
}

// Before a report: a finished job's file removed or truncated (sizes only; --verify also
// compares contents) is said, since the report reads some of them (worklist thumbnails).
async function warnOfChangedOutputs(dir: string, jobs: Job[]): Promise<void> {
  const { findStaleJobs, describeStaleJobs } = await import('../../experiment/stale-jobs.js');
  const stale = await findStaleJobs(jobs, dir, { hash: false });
  if (stale.length === 0) return;
  process.stderr.write(
    `warning: files of ${stale.length} finished job(s) were removed or changed; the report may lack what they held (e.g. thumbnails):\n${describeStaleJobs(stale)}\nhint: run the same al-run or ssl-run command again to redo them, then report again\n`,
  );
}

function summarizeFiles(files: readonly string[]): string {
  const pictures = files.filter((f) => f.endsWith('.png')).length;
  const others = files.filter((f) => !f.endsWith('.png'));
  return [...others, ...(pictures > 0 ? [`${pictures} worklist thumbnails`] : [])].join(', ');
}
