import { UserError } from '../src/errors.js';
import { openProbabilityMap } from '../src/probabilities/probability-map.js';
import { VoxelMeans } from '../src/uncertainty/voxel-means.js';
import { readLabelMap } from '../src/volume/read-label-map.js';
import type { Strategy } from './strategy.js';

// Softmax entropy: per-voxel entropy -sum_c p_c ln p_c of the saved probabilities. Case score =
// minus the mean over all voxels (the paper's baseline); organ score = minus the mean over the
// voxels the pseudo label assigns to that organ. Streams one slice of one class at a time.
const entropy: Strategy = {
  name: 'entropy',
  description: 'minus the mean softmax entropy of the pseudo label (needs saved probabilities)',
  randomized: false,
  needs: { probabilities: true },
  async score(cases, context) {
    const results = [];
    for (const c of cases) {
      if (!c.probabilities) {
        throw new UserError(`entropy: case ${c.id} has no saved probabilities`, {
          hint: 'predict the pool with probabilities saved (the experiment does this when entropy is chosen)',
        });
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

// Refuses a probability map whose grid is not the pseudo label's.
export function checkGrid(
  dims: [number, number, number],
  maskDims: number[],
  probabilities: string,
  mask: string,
): void {
  const [mx, my, mz] = maskDims;
  if (dims[0] !== mx || dims[1] !== my || dims[2] !== mz) {
    throw new UserError(
      `${probabilities}: probabilities on a ${dims.join(' x ')} grid, but the pseudo label ${mask} is ${maskDims.slice(0, 3).join(' x ')}`,
      { hint: 'the engine must save probabilities on the image grid, like the mask' },
    );
  }
}
