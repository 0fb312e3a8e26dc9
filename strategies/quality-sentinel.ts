import { packageRoot } from '../src/package-root.js';
import { loadBundle } from '../src/qs/bundle.js';
import { scoreCaseFiles } from '../src/qs/score-case-files.js';
import type { Strategy } from './strategy.js';

// The bundle used when a config names none: the small model shipped with the package.
export const SHIPPED_QS_MODEL = `${packageRoot}/models/qs-phantom`;

// Quality Sentinel: each organ's predicted Dice from the QS network (ONNX, on the job's own
// thread: an experiment runs its jobs side by side), preprocessed exactly as the official
// implementation; case score = mean over scored organs. An organ with no voxels, or unknown to
// the bundle, has no score and a warning.
const qualitySentinel: Strategy = {
  name: 'qs',
  description: 'Quality Sentinel: predicted Dice of each organ (ONNX model bundle)',
  randomized: false,
  needs: {},
  async score(cases, context) {
    const bundle = await loadBundle(context.options.qsModel ?? SHIPPED_QS_MODEL);
    const files = cases.map((c) => ({
      caseId: c.id,
      image: c.image,
      labels: c.mask,
      classes: context.classes,
    }));
    const batchSize = context.options.qsBatchSize ?? 32;
    const scores = [];
    for await (const r of scoreCaseFiles(bundle, files, { batchSize, workers: 0 })) {
      scores.push({
        caseId: r.caseId,
        organs: r.organs.map((o) => {
          if (o.warning) context.warn(`${r.caseId}/${o.organ}: ${o.warning}`);
          return { organ: o.organ, score: o.score, slices: o.slices, worstSlice: o.worstSlice };
        }),
        caseScore: r.caseScore,
      });
    }
    return scores;
  },
};
export default qualitySentinel;
