import { basename, dirname, join, resolve } from 'node:path';
import { UserError } from '../../errors.js';
import type { Command } from '../command.js';

// `sentinel report`: the tables, plots, ranking quality and worklist of a run, read from its
// database only (no model is run); or two runs side by side with --compare.
const report: Command = {
  description:
    'Report a run (method table, budget curve, ranking quality, worklist) or compare two',
  usage:
    'sentinel report --run runs/NAME [--format md,html,csv,json] [--out DIR] [--worklist N]\n       sentinel report --compare runs/A runs/B [--format ...] [--out DIR]',
  options: {
    run: {
      type: 'string',
      value: 'DIR',
      help: 'the run folder (its database) to report; also accepted as the only argument',
    },
    compare: { type: 'boolean', help: 'compare the two run folders given as arguments' },
    format: {
      type: 'string',
      value: 'F[,F...]',
      default: 'md,html,csv,json',
      help: 'files to write',
    },
    out: {
      type: 'string',
      value: 'DIR',
      help: 'where the files go (default: <run>/report, or compare-<A>-vs-<B> beside run A)',
    },
    worklist: {
      type: 'string',
      value: 'N',
      default: '20',
      help: 'worst-scored labels to list for review (0: none)',
    },
  },
  allowPositionals: true,
  async run({ values, positionals }) {
    const { parseReportFormats } = await import('../../report/write-report.js');
    const formats = parseReportFormats(String(values.format));
    const out = typeof values.out === 'string' ? values.out : undefined;
    if (values.compare === true) return compare(positionals, formats, out);
    const run = typeof values.run === 'string' ? values.run : positionals[0];
    if (run === undefined || positionals.length > (values.run === undefined ? 1 : 0)) {
      throw new UserError('give one run: --run runs/NAME (or --compare runs/A runs/B)', {
        hint: report.usage,
      });
    }
    const worklistSize = Number(values.worklist);
    if (!Number.isInteger(worklistSize) || worklistSize < 0) {
      throw new UserError(`--worklist ${String(values.worklist)} is not a whole number`, {
        hint: 'give how many of the worst labels to list, e.g. --worklist 20 (0 for none)',
      });
    }
    const { loadRun } = await import('../../report/load-run.js');
    const { buildReport } = await import('../../report/build-report.js');
    const { writeReport } = await import('../../report/write-report.js');
    const { markdownTable } = await import('../../report/markdown-report.js');
    const { methodTableCells } = await import('../../report/table-cells.js');
    const data = loadRun(run);
    const built = await buildReport(data, { worklistSize });
    const outDir = resolve(out ?? join(data.dir, 'report'));
    const files = await writeReport(built, outDir, formats);
    if (built.methodTable.length > 0) {
      process.stdout.write(
        `${markdownTable(methodTableCells(built.methodTable, built.run.kind))}\n\n`,
      );
    }
    for (const note of built.status.notes) process.stdout.write(`note: ${note}\n`);
    process.stdout.write(`report of ${data.dir} written to ${outDir}: ${summarizeFiles(files)}\n`);
    return 0;
  },
};
export default report;

async function compare(
  positionals: string[],
  formats: import('../../report/write-report.js').ReportFormat[],
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

function summarizeFiles(files: readonly string[]): string {
  const pictures = files.filter((f) => f.endsWith('.png')).length;
  const others = files.filter((f) => !f.endsWith('.png'));
  return [...others, ...(pictures > 0 ? [`${pictures} worklist thumbnails`] : [])].join(', ');
}
