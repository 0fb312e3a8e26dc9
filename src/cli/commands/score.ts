import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { UserError } from '../../errors.js';
import type { UnreadableInput } from '../../score/score-inputs-with-qs.js';
import type { Command } from '../command.js';

// `sentinel score`: label QC without an experiment. Scores every organ of a dataset (or one
// pair) with a QS bundle, writes the long-form CSV and a worklist, prints the per-organ
// summary, and, with --truth, how well the scores rank the labels.
const score: Command = {
  description: 'Score labels with Quality Sentinel (QC without an experiment)',
  usage:
    'sentinel score [DATASET_DIR | --image CT (--segmentations DIR | --labels F --classes F)] [--truth PATH] [--organs O,...] [--model BUNDLE] [--out scores.csv] [--workers N]',
  options: {
    image: { type: 'string', value: 'FILE', help: 'one CT (NIfTI) to score, instead of a dataset' },
    segmentations: {
      type: 'string',
      value: 'DIR',
      help: "the --image's per-organ masks, DIR/<organ>.nii.gz (TotalSegmentator layout)",
    },
    labels: { type: 'string', value: 'FILE', help: "the --image's label map (NIfTI)" },
    classes: {
      type: 'string',
      value: 'FILE',
      help: 'class map of --labels: JSON {"1": "liver", ...} or a dataset.json with "labels"',
    },
    truth: {
      type: 'string',
      value: 'PATH',
      help: 'reference labels in the layout of the input: adds true Dice and ranking quality',
    },
    model: {
      type: 'string',
      value: 'DIR',
      help: 'QS bundle (model.onnx + manifest.json) (default: the shipped models/qs-phantom)',
    },
    out: {
      type: 'string',
      value: 'FILE',
      default: 'qs-scores.csv',
      help: 'scores, one row per case and organ',
    },
    worklist: {
      type: 'string',
      value: 'FILE',
      help: 'organ labels worst first (default: --out with -worklist.csv)',
    },
    organs: {
      type: 'string',
      value: 'O[,O...]',
      help: 'score only these organs (mask file names or class map names); the rest are left out',
    },
    'batch-size': {
      type: 'string',
      value: 'N',
      default: '32',
      help: 'slices per ONNX Runtime run, across organs and cases',
    },
    workers: {
      type: 'string',
      value: 'N',
      help: 'worker threads reading and scoring whole cases; 0: the main thread (default: 2 on 2+ cores)',
    },
  },
  allowPositionals: true,
  async run({ values, positionals }) {
    const { discoverScoreInputs } = await import('../../score/score-inputs.js');
    const { scoreInputs } = await import('../../score/score-inputs-with-qs.js');
    const summary = await import('../../score/score-summary.js');
    const { caseProgress } = await import('../../score/case-progress.js');
    if (positionals.length > 1)
      throw new UserError('give at most one dataset folder', { hint: score.usage });
    const batchSize = Number(values['batch-size']);
    if (!Number.isInteger(batchSize) || batchSize < 1)
      throw new UserError('--batch-size must be a positive integer');
    const { defaultQsWorkers } = await import('../../qs/qs-scorer.js');
    const workers = values.workers === undefined ? defaultQsWorkers() : Number(values.workers);
    if (!Number.isInteger(workers) || workers < 0)
      throw new UserError(
        `--workers must be a whole number (0 scores on the main thread), not "${values.workers}"`,
      );
    const str = (key: string) =>
      typeof values[key] === 'string' ? (values[key] as string) : undefined;
    const cases = await discoverScoreInputs({
      dataset: positionals[0],
      image: str('image'),
      labels: str('labels'),
      segmentations: str('segmentations'),
      classes: str('classes'),
      truth: str('truth'),
    });
    const organs = str('organs')
      ?.split(',')
      .map((o) => o.trim())
      .filter((o) => o !== '');
    if (organs !== undefined && organs.length === 0)
      throw new UserError('--organs lists no organ', { hint: 'e.g. --organs liver,pancreas' });
    const withTruth = cases.some((c) => c.truth);
    // A progress line on a terminal, cleared before the summary (or an error) is printed.
    const progress = caseProgress(cases.length);
    const { rows, unreadable } = await scoreInputs(cases, {
      model: str('model'),
      ...(organs === undefined ? {} : { organs }),
      batchSize,
      workers,
      warn: progress.warn,
      scored: progress.update,
    }).finally(progress.stop);
    const out = str('out') as string;
    const worklist = str('worklist') ?? out.replace(/(\.csv)?$/, '-worklist.csv');
    await mkdir(dirname(out), { recursive: true });
    await mkdir(dirname(worklist), { recursive: true });
    await writeFile(out, summary.scoresCsv(rows, withTruth));
    await writeFile(worklist, summary.worklistCsv(rows));
    process.stdout.write(`${summary.organSummaryTable(rows)}\n\n`);
    if (withTruth) {
      const q = summary.rankingQuality(rows);
      process.stdout.write(
        `against the truth (${q.n} organ labels): Pearson r ${q.pearson.toFixed(3)}, Spearman rho ${q.spearman.toFixed(3)}, MAP@5 ${q.map5.toFixed(3)}, MAP@10 ${q.map10.toFixed(3)}\n`,
      );
    }
    const scored = rows.filter((r) => r.score !== null).length;
    process.stdout.write(
      `scored ${scored} organs of ${cases.length} case(s): ${out}, worklist ${worklist}\n`,
    );
    if (unreadable.length > 0) throw unreadableError(unreadable, out);
    return 0;
  },
};
export default score;

// The files a run could not read, after the others' scores are written: exit code 1.
function unreadableError(unreadable: readonly UnreadableInput[], out: string): UserError {
  const cases = new Set(unreadable.map((u) => u.caseId)).size;
  const listed = unreadable
    .slice(0, 5)
    .map((u) => `  ${u.caseId}${u.organ ? `/${u.organ}` : ''}: ${u.message}`);
  if (unreadable.length > 5)
    listed.push(`  ... and ${unreadable.length - 5} more (see the warnings above)`);
  return new UserError(
    `${unreadable.length} input(s) of ${cases} case(s) could not be read, so they have no score:\n${listed.join('\n')}`,
    {
      hint: `the other scores are in ${out}; repair or remove these files and run again`,
      exitCode: 1,
    },
  );
}
