import { SHIPPED_QS_MODEL } from '../../strategies/quality-sentinel.js';
import { loadBundle } from '../qs/bundle.js';
import type { QsCaseFiles } from '../qs/case-sources.js';
import { openQsScorer } from '../qs/qs-scorer.js';
import { noScoreWarnings } from './no-score-warnings.js';
import type { ScoreInputCase } from './score-inputs.js';
import type { ScoredOrgan } from './score-summary.js';
import { trueDicePerOrgan } from './true-dice.js';

// Scores the cases with a QS bundle (one case's volumes in memory at a time per worker) and,
// where a reference is given, adds each organ's true Dice.
export async function scoreInputs(
  cases: ScoreInputCase[],
  options: {
    model?: string;
    batchSize: number;
    workers: number;
    warn(message: string): void;
    // Called with the number of cases scored so far, after each case.
    scored?(done: number): void;
  },
): Promise<ScoredOrgan[]> {
  const bundle = await loadBundle(options.model ?? SHIPPED_QS_MODEL);
  const byId = new Map(cases.map((c) => [c.id, c]));
  const files = cases.map(
    (c): QsCaseFiles =>
      c.labels.kind === 'segmentations'
        ? { caseId: c.id, image: c.image, segmentations: c.labels.dir }
        : { caseId: c.id, image: c.image, labels: c.labels.path, classes: c.labels.classes },
  );
  const rows: ScoredOrgan[] = [];
  // No more case workers than cases: each opens its own session.
  const scorer = await openQsScorer(bundle, {
    batchSize: options.batchSize,
    workers: Math.min(options.workers, cases.length),
  });
  const warnings = noScoreWarnings(options.warn);
  try {
    let done = 0;
    for await (const result of scorer.score(files)) {
      const input = byId.get(result.caseId);
      const truth = input?.truth ? await trueDicePerOrgan(input.labels, input.truth) : undefined;
      warnings.add(result.caseId, result.organs);
      for (const o of result.organs) {
        rows.push({
          caseId: result.caseId,
          organ: o.organ,
          score: o.score,
          slices: o.slices,
          ...(truth ? { trueDice: truth.get(o.organ) ?? Number.NaN } : {}),
        });
      }
      options.scored?.(++done);
    }
    warnings.finish();
  } finally {
    await scorer.close();
  }
  return rows;
}
