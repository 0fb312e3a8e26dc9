import path from 'node:path';
import { type ReadFailure, failureText, readFailureOf } from '../errors.js';
import { SHIPPED_QS_MODEL, loadBundle } from '../qs/bundle.js';
import type { QsCaseFiles } from '../qs/case-sources.js';
import { openQsScorer } from '../qs/qs-scorer.js';
import { noScoreWarnings } from './no-score-warnings.js';
import type { ScoreInputCase } from './score-inputs.js';
import type { ScoredOrgan } from './score-summary.js';
import { trueDicePerOrgan } from './true-dice.js';

// A file that could not be read: the case (and organ, for one mask or reference) it belongs to,
// and what is wrong with it.
export interface UnreadableInput {
  caseId: string;
  organ?: string;
  message: string;
}

// The QS model that scored: its manifest name, folder and model SHA-256 (null when the manifest
// records none); `shipped` for the phantom-trained model that ships with the package.
export interface ScoringModel {
  name: string;
  dir: string;
  sha256: string | null;
  shipped: boolean;
}

// Scores the cases with a QS bundle (one case's volumes in memory at a time per worker) and,
// where a reference is given, adds each organ's true Dice. A file that cannot be read costs its
// case (a CT, label map or reference) or its organ (a mask) its score, with a warning; the other
// cases are scored, and the files are listed in `unreadable`.
export async function scoreInputs(
  cases: ScoreInputCase[],
  options: {
    model?: string;
    // Only these organs (mask file or class map names); a name no case has is warned about.
    organs?: readonly string[];
    batchSize: number;
    workers: number;
    warn(message: string): void;
    // Called with the number of cases scored so far, after each case.
    scored?(done: number): void;
  },
): Promise<{ rows: ScoredOrgan[]; unreadable: UnreadableInput[]; model: ScoringModel }> {
  const bundle = await loadBundle(options.model ?? SHIPPED_QS_MODEL);
  const byId = new Map(cases.map((c) => [c.id, c]));
  const only = options.organs === undefined ? {} : { organs: options.organs };
  const files = cases.map(
    (c): QsCaseFiles =>
      c.labels.kind === 'segmentations'
        ? { caseId: c.id, image: c.image, segmentations: c.labels.dir, ...only }
        : {
            caseId: c.id,
            image: c.image,
            labels: c.labels.path,
            classes: c.labels.classes,
            ...only,
          },
  );
  const rows: ScoredOrgan[] = [];
  const unreadable: UnreadableInput[] = [];
  // No more case workers than cases: each opens its own session.
  const scorer = await openQsScorer(bundle, {
    batchSize: options.batchSize,
    workers: Math.min(options.workers, cases.length),
  });
  const warnings = noScoreWarnings(options.warn);
  try {
    let done = 0;
    for await (const result of scorer.score(files)) {
      const { caseId } = result;
      if (result.unreadable !== undefined) {
        const message = failureText(result.unreadable);
        unreadable.push({ caseId, message });
        options.warn(`${caseId}: not scored: ${message}`);
        options.scored?.(++done);
        continue;
      }
      for (const o of result.organs)
        if (o.reason === 'unreadable')
          unreadable.push({ caseId, organ: o.organ, message: o.warning ?? '' });
      warnings.add(caseId, result.organs);
      const input = byId.get(caseId);
      let truth: Map<string, number> | undefined;
      if (input?.truth) {
        // A reference that cannot be used costs the organ (or, a label map, the case) its true Dice.
        const noTruth = (failure: ReadFailure, organ?: string) => {
          const message = `its reference: ${failureText(failure)}`;
          unreadable.push({ caseId, ...(organ === undefined ? {} : { organ }), message });
          options.warn(
            `${caseId}${organ === undefined ? '' : `/${organ}`}: no true Dice, ${message}`,
          );
        };
        try {
          const found = await trueDicePerOrgan(input.labels, input.truth);
          truth = found.dice;
          for (const { organ, failure } of found.unreadable) noTruth(failure, organ);
        } catch (error) {
          const failure = readFailureOf(error);
          if (failure === undefined) throw error;
          noTruth(failure);
          truth = new Map();
        }
      }
      for (const o of result.organs) {
        rows.push({
          caseId,
          organ: o.organ,
          score: o.score,
          slices: o.slices,
          worstSlice: o.worstSlice,
          ...(o.reason === 'invalid-input' ? { invalid: o.warning ?? 'invalid input' } : {}),
          ...(truth ? { trueDice: truth.get(o.organ) ?? Number.NaN } : {}),
        });
      }
      options.scored?.(++done);
    }
    warnings.finish();
    const found = new Set(rows.map((r) => r.organ));
    const absent = options.organs?.filter((o) => !found.has(o)) ?? [];
    if (absent.length > 0)
      options.warn(
        `--organs: no case has ${absent.join(', ')} (names are as in the mask files or class map)`,
      );
  } finally {
    await scorer.close();
  }
  const model = {
    name: bundle.manifest.name,
    dir: bundle.dir,
    sha256: bundle.manifest.modelSha256 ?? null,
    shipped: path.resolve(bundle.dir) === path.resolve(SHIPPED_QS_MODEL),
  };
  return { rows, unreadable, model };
}
