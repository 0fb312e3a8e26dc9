import { packageRoot } from '../src/package-root.js';
import { loadBundle } from '../src/qs/bundle.js';
import { caseFromLabelMap } from '../src/qs/case-sources.js';
import { scoreAllCases } from '../src/qs/score-cases.js';
import { openQsSession } from '../src/qs/session.js';
import type { Strategy } from './strategy.js';

// The bundle used when a config names none: the small model shipped with the package.
export const SHIPPED_QS_MODEL = `${packageRoot}/models/qs-phantom`;

// Quality Sentinel: each organ's predicted Dice from the QS network (ONNX, in-process),
// preprocessed exactly as the official implementation; case score = mean over scored organs.
// An organ with no voxels, or unknown to the bundle, has no score and a warning.
const qualitySentinel: Strategy = {
  name: 'qs',
  description: 'Quality Sentinel: predicted Dice of each organ (ONNX model bundle)',
  randomized: false,
  needs: {},
  async score(cases, context) {
    const bundle = await loadBundle(context.options.qsModel ?? SHIPPED_QS_MODEL);
    const session = await openQsSession(bundle);
    try {
      async function* sources() {
        for (const c of cases) yield await caseFromLabelMap(c.id, c.image, c.mask, context.classes);
      }
      const batchSize = context.options.qsBatchSize ?? 32;
      const results = await scoreAllCases(bundle, session, sources(), { batchSize });
      return results.map((r) => ({
        caseId: r.caseId,
        organs: r.organs.map((o) => {
          if (o.warning) context.warn(`${r.caseId}/${o.organ}: ${o.warning}`);
          return { organ: o.organ, score: o.score, slices: o.slices, worstSlice: o.worstSlice };
        }),
        caseScore: r.caseScore,
      }));
    } finally {
      await session.dispose();
    }
  },
};
export default qualitySentinel;
