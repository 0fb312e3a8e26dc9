import { SHIPPED_QS_MODEL } from '../../strategies/quality-sentinel.js';
import { loadBundle } from '../qs/bundle.js';
import { caseFromLabelMap, caseFromSegmentations } from '../qs/case-sources.js';
import { scoreCases } from '../qs/score-cases.js';
import { openQsSession } from '../qs/session.js';
import type { ScoreInputCase } from './score-inputs.js';
import type { ScoredOrgan } from './score-summary.js';
import { trueDicePerOrgan } from './true-dice.js';

// Scores the cases with a QS bundle (one case's volumes in memory at a time) and, where a
// reference is given, adds each organ's true Dice.
export async function scoreInputs(
  cases: ScoreInputCase[],
  options: { model?: string; batchSize: number; warn(message: string): void },
): Promise<ScoredOrgan[]> {
  const bundle = await loadBundle(options.model ?? SHIPPED_QS_MODEL);
  const session = await openQsSession(bundle);
  const byId = new Map(cases.map((c) => [c.id, c]));
  async function* sources() {
    for (const c of cases) {
      yield c.labels.kind === 'segmentations'
        ? await caseFromSegmentations(c.id, c.image, c.labels.dir)
        : await caseFromLabelMap(c.id, c.image, c.labels.path, c.labels.classes);
    }
  }
  const rows: ScoredOrgan[] = [];
  try {
    for await (const result of scoreCases(bundle, session, sources(), {
      batchSize: options.batchSize,
    })) {
      const input = byId.get(result.caseId);
      const truth = input?.truth ? await trueDicePerOrgan(input.labels, input.truth) : undefined;
      warnGrouped(result.caseId, result.organs, options.warn);
      for (const o of result.organs) {
        rows.push({
          caseId: result.caseId,
          organ: o.organ,
          score: o.score,
          slices: o.slices,
          ...(truth ? { trueDice: truth.get(o.organ) ?? Number.NaN } : {}),
        });
      }
    }
  } finally {
    await session.dispose();
  }
  return rows;
}

// One warning line per case and kind (no mask voxels, no embedding) naming the organs.
function warnGrouped(
  caseId: string,
  organs: { organ: string; reason?: string }[],
  warn: (m: string) => void,
): void {
  const empty = organs.filter((o) => o.reason === 'empty-mask').map((o) => o.organ);
  const unknown = organs.filter((o) => o.reason === 'no-class').map((o) => o.organ);
  if (empty.length > 0)
    warn(`${caseId}: no mask voxels, no score for ${empty.length} organ(s): ${empty.join(', ')}`);
  if (unknown.length > 0)
    warn(
      `${caseId}: not in the QS bundle, no score for ${unknown.length} organ(s): ${unknown.join(', ')}`,
    );
}
