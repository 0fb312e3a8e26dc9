import type { Checkpoint } from './checkpoint.js';
import { type FeatureColumns, computeFeatures, gatherRows } from './features.js';
import { forestWinners } from './forest-winners.js';
import { averageLeaves, forestLeaves, predictForest } from './forest.js';
import type { HiddenNetwork } from './mlp-onnx.js';
import { type Mlp, forwardOutput, outputLayer } from './mlp.js';
import { voxelsInRegion } from './organ-region.js';
import type { Rng } from './prng.js';
import type { EngineImage } from './volume-io.js';
import { normalizeRows } from './voxel-sampling.js';

// Applying a checkpoint to one image: features are computed once for the voxels of the organ
// region (a network's hidden activations too); the plain pass and every Monte-Carlo sample
// then only re-run what is random: a network's output layer with dropout, or a forest's vote
// over a random half of its trees. Voxels outside the region are background with probability 1.

// Class probabilities of the voxels inside the region: row r (voxel inside[r]) holds the
// probabilities of every class, background first.
export interface RegionProbabilities {
  voxels: number;
  inside: Int32Array;
  classes: number;
  rows: Float32Array;
}

// One image ready for prediction: `sample()` gives the plain class probabilities,
// `sample(rng)` one Monte-Carlo sample, `mask()` the label map argmaxLabels(sample()) gives
// (for a forest, sooner: forest-winners.ts).
export interface PreparedImage {
  voxels: number;
  inside: Int32Array;
  sample(rng?: Rng): RegionProbabilities;
  mask(): Uint8Array;
}

export interface PredictSettings {
  // How far to undo the class-balanced sampling (params.priorCorrection).
  priorCorrection: number;
  // The share of a forest's trees that vote in one Monte-Carlo sample.
  forestSampleFraction: number;
  // A network's hidden layers (through ONNX Runtime); unused by a forest.
  hiddenNetwork?: HiddenNetwork;
  // Several samples will be drawn: a forest finds every row's leaf in every tree once and each
  // sample only averages (the same numbers, fewer traversals, trees x voxels integers of memory).
  manySamples?: boolean;
}

// Computes the features of the voxels inside the organ region and readies the checkpoint's
// model on them.
export async function prepareImage(
  checkpoint: Checkpoint,
  image: EngineImage,
  settings: PredictSettings,
): Promise<PreparedImage> {
  const features = computeFeatures(image.data, image.geometry, checkpoint.features);
  return prepareFeatures(checkpoint, features, settings);
}

// The same from features already computed (with the checkpoint's feature settings).
export async function prepareFeatures(
  checkpoint: Pick<Checkpoint, 'model' | 'region' | 'priors' | 'labels'>,
  features: FeatureColumns,
  settings: PredictSettings,
): Promise<PreparedImage> {
  const inside = voxelsInRegion(checkpoint.region, features);
  const rows = new Float32Array(inside.length * features.count);
  gatherRows(features, inside, rows);
  const { voxels } = features;
  const model = checkpoint.model;
  const classes = checkpoint.labels.length + 1;
  const result = (probabilities: Float32Array) => ({
    voxels,
    inside,
    classes,
    rows: probabilities,
  });
  if (model.kind === 'forest') {
    const factors = priorFactors(checkpoint, settings.priorCorrection);
    const { forest } = model;
    const shared = forest.trees.length * inside.length <= MAX_SHARED_LEAVES;
    const leaves =
      settings.manySamples && shared
        ? forestLeaves(forest, rows, features.count, inside.length)
        : undefined;
    return {
      voxels,
      inside,
      mask() {
        const { winner, sums } = forestWinners(
          forest,
          rows,
          features.count,
          inside.length,
          factors,
        );
        // The rows whose vote ran to the end are finished as sample() finishes them.
        const trees = forest.trees.length;
        for (let i = 0; i < sums.length; i++) sums[i] = sums[i]! / Math.max(1, trees);
        reweightRows(sums, factors);
        const mask = argmaxLabels(result(sums), checkpoint.labels);
        for (let r = 0; r < inside.length; r++) {
          const best = winner[r]!;
          if (best >= 0) mask[inside[r]!] = best > 0 ? checkpoint.labels[best - 1]! : 0;
        }
        return mask;
      },
      sample(rng) {
        const out = new Float32Array(inside.length * classes);
        const use = rng
          ? sampleTrees(forest.trees.length, settings.forestSampleFraction, rng)
          : undefined;
        if (leaves) averageLeaves(forest, leaves, inside.length, out, use);
        else predictForest(forest, rows, features.count, inside.length, out, use);
        reweightRows(out, factors);
        return result(out);
      },
    };
  }
  if (!settings.hiddenNetwork) throw new Error('bug: a network checkpoint needs its hidden layers');
  normalizeRows(rows, inside.length, model.normalization);
  const hidden = await settings.hiddenNetwork(rows, inside.length);
  const network = priorCorrected(model.mlp, checkpoint, settings.priorCorrection);
  const sample = (rng?: Rng) => {
    const out = new Float32Array(inside.length * classes);
    forwardOutput(network, hidden, inside.length, out, rng);
    return result(out);
  };
  return { voxels, inside, sample, mask: () => argmaxLabels(sample(), checkpoint.labels) };
}

// The most leaf indices kept for shared Monte-Carlo samples (256 MB); beyond, each sample
// traverses the trees again.
const MAX_SHARED_LEAVES = 64 * 2 ** 20;

// Which trees vote in one Monte-Carlo sample: each with probability `fraction`, at least one.
function sampleTrees(count: number, fraction: number, rng: Rng): boolean[] {
  const use = Array.from({ length: count }, () => rng.next() < fraction);
  if (!use.includes(true)) use[rng.int(count)] = true;
  return use;
}

// The probabilities of every voxel, channel-major (c * voxels + v): the NIfTI 4D order.
export function fullProbabilities(probabilities: RegionProbabilities): Float32Array {
  const { voxels, inside, classes, rows } = probabilities;
  const out = new Float32Array(voxels * classes);
  out.fill(1, 0, voxels);
  for (let r = 0; r < inside.length; r++) {
    const v = inside[r]!;
    for (let c = 0; c < classes; c++) out[c * voxels + v] = rows[r * classes + c]!;
  }
  return out;
}

// The class-balanced sampling undone: each class's probability is multiplied by (data
// frequency / sampling frequency)^strength and the row renormalised.
function priorFactors(checkpoint: Pick<Checkpoint, 'priors'>, strength: number): number[] {
  const { data, sampling } = checkpoint.priors;
  return data.map((p, c) => {
    const q = sampling[c] ?? 0;
    return p > 0 && q > 0 ? (p / q) ** strength : 1;
  });
}

function reweightRows(rows: Float32Array, factors: number[]): void {
  const classes = factors.length;
  for (let o = 0; o < rows.length; o += classes) {
    let sum = 0;
    for (let c = 0; c < classes; c++) {
      rows[o + c] = rows[o + c]! * factors[c]!;
      sum += rows[o + c]!;
    }
    if (sum > 0) for (let c = 0; c < classes; c++) rows[o + c] = rows[o + c]! / sum;
  }
}

// A network with the same correction built in: adding the log of each factor to the class's
// output bias before the softmax is the same as reweighting its probabilities.
export function priorCorrected(
  mlp: Mlp,
  checkpoint: Pick<Checkpoint, 'priors'>,
  strength: number,
): Mlp {
  const layer = outputLayer(mlp);
  const factors = priorFactors(checkpoint, strength);
  const biases = Float32Array.from(layer.biases, (bias, c) => bias + Math.log(factors[c] ?? 1));
  return { ...mlp, layers: [...mlp.layers.slice(0, -1), { ...layer, biases }] };
}

// The label value of each voxel's most probable class (0 for background).
export function argmaxLabels(probabilities: RegionProbabilities, labels: number[]): Uint8Array {
  const { voxels, inside, classes, rows } = probabilities;
  const mask = new Uint8Array(voxels);
  for (let r = 0, o = 0; r < inside.length; r++, o += classes) {
    let best = 0;
    for (let c = 1; c < classes; c++) if (rows[o + c]! > rows[o + best]!) best = c;
    if (best > 0) mask[inside[r]!] = labels[best - 1]!;
  }
  return mask;
}
