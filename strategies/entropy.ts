import { UserError } from '../src/errors.js';
import { openProbabilityMap } from '../src/probabilities/probability-map.js';
import { checkGrid } from '../src/uncertainty/check-grid.js';
import { scoreUncertaintyMap } from '../src/uncertainty/score-uncertainty-map.js';
import { VoxelMeans } from '../src/uncertainty/voxel-means.js';
import { readLabelMap } from '../src/volume/read-label-map.js';
import type { Strategy } from './strategy.js';

// Softmax entropy: per-voxel entropy -sum_c p_c ln p_c of the saved probabilities. Case score =
// minus the mean over all voxels (the paper's baseline); organ score = minus the mean over the
// voxels the pseudo label assigns to that organ. Streams one slice of one class at a time. From
// an engine's fused entropy map (contract save.entropyMap), the same means of that map.
const entropy: Strategy = {
  name: 'entropy',
  description: 'minus the mean softmax entropy of the pseudo label (needs saved probabilities)',
  randomized: false,
  needs: { probabilities: true },
  async score(cases, context) {
    const results = [];
    for (const c of cases) {
      if (c.entropyMap) {
        results.push({
          caseId: c.id,
          ...(await scoreUncertaintyMap(c.entropyMap, c.mask, context.classes)),
        });
        continue;
      }
      if (!c.probabilities) {
        throw new UserError(
          `entropy: case ${c.id} has no saved probabilities (nor an entropy map)`,
          {
            hint: 'predict the pool with probabilities saved (the experiment does this when entropy is chosen)',
          },
        );
      }
      const mask = await readLabelMap(c.mask);
      const { info, slices } = await openProbabilityMap(c.probabilities);
      checkGrid(info.dims, mask.dims, c.probabilities, c.mask);
      const means = new VoxelMeans(mask.data);
      const sliceLength = info.dims[0] * info.dims[1];
      const terms = new Float64Array(sliceLength);
      for await (const slice of slices) {
        const p = slice.data;
        for (let i = 0; i < sliceLength; i++) {
          const v = p[i]!;
          terms[i] = v > 0 ? -v * Math.log(v) : 0;
        }
        means.add(slice.k * sliceLength, terms);
      }
      results.push({ caseId: c.id, ...means.negatedMeans(context.classes) });
    }
    return results;
  },
};
export default entropy;
