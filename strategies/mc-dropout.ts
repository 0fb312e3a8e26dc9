import { UserError } from '../src/errors.js';
import { openProbabilityMap } from '../src/probabilities/probability-map.js';
import { checkGrid } from '../src/uncertainty/check-grid.js';
import { scoreUncertaintyMap } from '../src/uncertainty/score-uncertainty-map.js';
import { VoxelMeans } from '../src/uncertainty/voxel-means.js';
import type { ClassMap } from '../src/volume/class-map.js';
import { readLabelMap } from '../src/volume/read-label-map.js';
import type { PoolCase, Strategy } from './strategy.js';

// Monte-Carlo dropout: from T stochastic passes, the per-voxel standard deviation (population,
// ddof = 0, as numpy's std) of each class probability, averaged over classes. Case score =
// minus its mean over all voxels; organ score = minus its mean over the organ's voxels in the
// pseudo label. The T files are streamed in lockstep, one slice of one class at a time. From an
// engine's fused MC-std map (contract save.mcStdMap), the same means of that map.
const mcDropout: Strategy = {
  name: 'mc-dropout',
  description: 'minus the mean per-voxel std over T Monte-Carlo-dropout passes',
  randomized: true,
  needs: { mcSamples: true },
  async score(cases, context) {
    const results = [];
    for (const c of cases) {
      const means = c.mcStdMap
        ? await scoreUncertaintyMap(c.mcStdMap, c.mask, context.classes)
        : await scoreSamples(c, context.classes);
      results.push({ caseId: c.id, ...means });
    }
    return results;
  },
};

// The file path: the T sample maps streamed in lockstep, one slice of one class at a time.
async function scoreSamples(c: PoolCase, classMap: ClassMap) {
  const samples = c.mcSamples ?? [];
  if (samples.length < 2) {
    throw new UserError(
      `mc-dropout: case ${c.id} has ${samples.length} Monte-Carlo samples; at least 2 are needed`,
      {
        hint: 'predict the pool with mcSamples >= 2 (mcDropout.samples in the config, 3 by default)',
      },
    );
  }
  const mask = await readLabelMap(c.mask);
  const opened = await Promise.all(samples.map((path) => openProbabilityMap(path)));
  opened.forEach((o, i) => checkGrid(o.info.dims, mask.dims, samples[i] ?? '', c.mask));
  const classes = opened[0]?.info.channels ?? 0;
  if (opened.some((o) => o.info.channels !== classes)) {
    throw new UserError(
      `mc-dropout: case ${c.id}: the Monte-Carlo samples have different class counts`,
      { hint: 'every sample must hold the same classes' },
    );
  }
  const means = new VoxelMeans(mask.data);
  const sliceLength = mask.dims[0]! * mask.dims[1]!;
  const t = samples.length;
  const iterators = opened.map((o) => o.slices);
  const sum = new Float64Array(sliceLength);
  const sumSquares = new Float64Array(sliceLength);
  const spread = new Float64Array(sliceLength);
  for (;;) {
    const steps = await Promise.all(iterators.map((it) => it.next()));
    const first = steps[0];
    if (!first || first.done) break;
    sum.fill(0);
    sumSquares.fill(0);
    for (const step of steps) {
      if (step.done) continue;
      const data = step.value.data;
      for (let i = 0; i < sliceLength; i++) {
        const p = data[i]!;
        sum[i]! += p;
        sumSquares[i]! += p * p;
      }
    }
    for (let i = 0; i < sliceLength; i++) {
      const mean = sum[i]! / t;
      spread[i] = Math.sqrt(Math.max(0, sumSquares[i]! / t - mean * mean)) / classes;
    }
    means.add(first.value.k * sliceLength, spread);
  }
  return means.negatedMeans(classMap);
}
export default mcDropout;
