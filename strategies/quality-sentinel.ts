import { UserError } from '../src/errors.js';
import { SHIPPED_QS_MODEL, loadBundle } from '../src/qs/bundle.js';
import { openQsScorer } from '../src/qs/qs-scorer.js';
import type { Strategy } from './strategy.js';

// Quality Sentinel: each organ's predicted Dice from the QS network (ONNX, on the job's own
// thread: an experiment runs its jobs side by side), preprocessed exactly as the official
// implementation; case score = mean over scored organs. An organ with no voxels, or unknown to
// the bundle, has no score and a warning; a case whose files cannot be read fails the job.
const qualitySentinel: Strategy = {
  name: 'qs',
  description: 'Quality Sentinel: predicted Dice of each organ (ONNX model bundle)',
  randomized: false,
  needs: { qsBundle: true },
  async score(cases, context) {
    const bundle = await loadBundle(context.options.qsModel ?? SHIPPED_QS_MODEL);
    const files = cases.map((c) => ({
      caseId: c.id,
      image: c.image,
      labels: c.mask,
      classes: context.classes,
    }));
    const batchSize = context.options.qsBatchSize ?? 32;
    const scorer = await openQsScorer(bundle, { batchSize, workers: 0 });
    const scores = [];
    try {
      for await (const r of scorer.score(files)) {
        if (r.unreadable) {
          const { message, hint } = r.unreadable;
          throw new UserError(message, hint === undefined ? {} : { hint });
        }
        scores.push({
          caseId: r.caseId,
          organs: r.organs.map((o) => {
            if (o.warning) context.warn(`${r.caseId}/${o.organ}: ${o.warning}`);
            return { organ: o.organ, score: o.score, slices: o.slices, worstSlice: o.worstSlice };
          }),
          caseScore: r.caseScore,
        });
      }
    } finally {
      await scorer.close();
    }
    return scores;
  },
};
export default qualitySentinel;
