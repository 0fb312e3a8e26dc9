import { UserError } from '../../errors.js';
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
    const summaries: VolumeSummary[] = [];
    for (const file of positionals) summaries.push(await summarizeVolume(file));
    if (flags.json) process.stdout.write(`${JSON.stringify(summaries, null, 2)}\n`);
    else process.stdout.write(summaries.map(formatSummary).join('\n'));
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
