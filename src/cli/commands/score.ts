import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { UserError } from '../../errors.js';
import type { UnreadableInput } from '../../score/score-inputs-with-qs.js';
import { defineCommand } from '../command.js';
import { commaList, stringFlag, text, wholeNumber } from '../flags.js';

// `sentinel score`: label QC without an experiment. Scores every organ of a dataset (or one
// pair) with a QS bundle, writes the long-form CSV and a worklist, prints the per-organ
// summary, and, with --truth, how well the scores rank the labels.
const score = defineCommand({
  description: 'Score labels with Quality Sentinel (QC without an experiment)',
  usage:
    'sentinel score [DATASET_DIR | --image CT (--segmentations DIR | --labels F --classes F)] [--truth PATH] [--organs O,...] [--model BUNDLE] [--out scores.csv] [--workers N]',
  flags: {
    image: stringFlag('FILE', 'one CT (NIfTI) to score, instead of a dataset', text.optional()),
    segmentations: stringFlag(
      'DIR',
      "the --image's per-organ masks, DIR/<organ>.nii.gz (TotalSegmentator layout)",
      text.optional(),
    ),
    labels: stringFlag('FILE', "the --image's label map (NIfTI)", text.optional()),
    classes: stringFlag(
      'FILE',
      'class map of --labels: JSON {"1": "liver", ...} or a dataset.json with "labels"',
      text.optional(),
    ),
    truth: stringFlag(
      'PATH',
      'reference labels in the layout of the input: adds true Dice and ranking quality',
      text.optional(),
    ),
    model: stringFlag(
      'DIR',
      'QS bundle (model.onnx + manifest.json) (default: the shipped models/qs-phantom)',
      text.optional(),
    ),
    out: stringFlag('FILE', 'scores, one row per case and organ', text, 'qs-scores.csv'),
    worklist: stringFlag(
      'FILE',
      'organ labels worst first (default: --out with -worklist.csv)',
      text.optional(),
    ),
    organs: stringFlag(
      'O[,O...]',
      'score only these organs (mask file names or class map names); the rest are left out',
      commaList(text).optional(),
    ),
    'batch-size': stringFlag(
      'N',
      'slices per ONNX Runtime run, across organs and cases',
      wholeNumber(1),
      '32',
    ),
    workers: stringFlag(
      'N',
      'worker threads reading and scoring whole cases; 0: the main thread (default: 2 on 2+ cores)',
      wholeNumber().optional(),
    ),
  },
  allowPositionals: true,
  async run({ flags, positionals }) {
    const { discoverScoreInputs } = await import('../../score/score-inputs.js');
    const { scoreInputs } = await import('../../score/score-inputs-with-qs.js');
    const summary = await import('../../score/score-summary.js');
    const { caseProgress } = await import('../../score/case-progress.js');
    const { defaultQsWorkers } = await import('../../qs/qs-scorer.js');
    if (positionals.length > 1)
      throw new UserError('give at most one dataset folder', { hint: score.usage });
    const cases = await discoverScoreInputs({
      dataset: positionals[0],
      image: flags.image,
      labels: flags.labels,
      segmentations: flags.segmentations,
      classes: flags.classes,
      truth: flags.truth,
    });
    const withTruth = cases.some((c) => c.truth);
    // A progress line on a terminal, cleared before the summary (or an error) is printed.
    const progress = caseProgress(cases.length);
    const { rows, unreadable, model } = await scoreInputs(cases, {
      model: flags.model,
      ...(flags.organs === undefined ? {} : { organs: flags.organs }),
      batchSize: flags['batch-size'],
      workers: flags.workers ?? defaultQsWorkers(),
      warn: progress.warn,
      scored: progress.update,
    }).finally(progress.stop);
    const { out } = flags;
    const worklist = flags.worklist ?? out.replace(/(\.csv)?$/, '-worklist.csv');
    await mkdir(dirname(out), { recursive: true });
    await mkdir(dirname(worklist), { recursive: true });
    await writeFile(out, summary.scoresCsv(rows, withTruth));
    await writeFile(worklist, summary.worklistCsv(rows));
    process.stdout.write(
      `${summary.organSummaryTable(rows)}\n${summary.SCORE_COLUMNS_LEGEND}\n\n${summary.modelLine(model)}`,
    );
    if (withTruth) {
      const q = summary.rankingQuality(rows);
      process.stdout.write(
        `against the truth (${q.n} organ labels): Pearson r ${q.pearson.toFixed(3)}, Spearman rho ${q.spearman.toFixed(3)}, MAP@5 ${q.map5.toFixed(3)}, MAP@10 ${q.map10.toFixed(3)}\n`,
      );
    }
    const scored = rows.filter((r) => r.score !== null).length;
    const invalid = rows.filter((r) => r.invalid !== undefined).length;
    const marked =
      invalid > 0 ? ` (${invalid} more marked invalid: NaN or infinite CT voxels)` : '';
    process.stdout.write(
      `scored ${scored} organs of ${cases.length} case(s)${marked}: ${out}, worklist ${worklist}\n`,
    );
    if (unreadable.length > 0) throw unreadableError(unreadable, out);
    return 0;
  },
});
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
