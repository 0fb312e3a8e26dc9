import { UserError, failureText, isUserError, readFailureOf } from '../../errors.js';
import { type VolumeSummary, summarizeVolume } from '../../volume/volume-summary.js';
import { defineCommand } from '../command.js';
import { booleanFlag } from '../flags.js';

// `sentinel info FILE... [--json]`: what a NIfTI file holds (grid, datatype, value range, labels).
const info = defineCommand({
  description: 'Describe NIfTI files: dims, datatype, spacing, orientation, value range',
  usage: 'sentinel info FILE... [--json]   (--json prints an array, one object per file)',
  flags: {
    json: booleanFlag('print a JSON array, one object per file, instead of text'),
  },
  allowPositionals: true,
  async run({ flags, positionals }) {
    if (positionals.length === 0) {
      throw new UserError('info: no file given', { hint: 'usage: sentinel info FILE... [--json]' });
    }
    // Every readable file is described, then the unreadable ones are the error.
    const summaries: VolumeSummary[] = [];
    const failures: UserError[] = [];
    for (const file of positionals) {
      try {
        summaries.push(await summarizeVolume(file));
      } catch (error) {
        if (!isUserError(error)) throw error;
        failures.push(error);
      }
    }
    if (flags.json) process.stdout.write(`${JSON.stringify(summaries, null, 2)}\n`);
    else process.stdout.write(summaries.map(formatSummary).join('\n'));
    if (failures.length === 1 && summaries.length === 0) throw failures[0];
    if (failures.length > 0) throw unreadableFiles(failures, positionals.length);
    return 0;
  },
});
export default info;

// A summary as an aligned, human-readable block.
function formatSummary(s: VolumeSummary): string {
  const num = (x: number) =>
    Number.isInteger(x) ? String(x) : x.toPrecision(6).replace(/\.?0+$/, '');
  const matrix = s.affine.map((row) => `[${row.map((x) => x.toFixed(3).padStart(10)).join(' ')} ]`);
  const rows: [string, string][] = [
    ['format', `${s.format}${s.compressed ? ' (gzip)' : ''}`],
    ['dims', s.dims.join(' x ')],
    [
      'datatype',
      s.datatype +
        (s.sclSlope !== 1 || s.sclInter !== 0
          ? ` (scaled: x ${num(s.sclSlope)} + ${num(s.sclInter)})`
          : ''),
    ],
    ['spacing', `${s.spacing.map(num).join(' x ')} mm`],
    ['orientation', s.orientation],
    ['affine', matrix[0]!],
    ...matrix.slice(1).map((m): [string, string] => ['', m]),
    [
      'range',
      s.min === null || s.max === null ? 'no finite values' : `${num(s.min)} .. ${num(s.max)}`,
    ],
  ];
  if (s.nonFinite > 0) rows.push(['non-finite', `${s.nonFinite} voxels (NaN or Inf)`]);
  if (s.labels !== null) rows.push(['labels', `${s.labels} distinct non-zero values`]);
  return `${s.file}\n${rows.map(([k, v]) => `  ${k.padEnd(13)}${v}`).join('\n')}\n`;
}

// The files `info` could not read, each with why, after the others were described.
function unreadableFiles(failures: readonly UserError[], given: number): UserError {
  const lines = failures.map((f) => `  ${failureText(readFailureOf(f) ?? { message: f.message })}`);
  return new UserError(
    `${failures.length} of ${given} file(s) could not be read:\n${lines.join('\n')}`,
    {
      hint: 'the readable ones are described above',
      exitCode: failures[0]?.exitCode ?? 2,
    },
  );
}
