import type { Checkpoint } from './checkpoint.js';
import { computeFeatures, gatherRows } from './features.js';
import type { HiddenNetwork } from './mlp-onnx.js';
import { type Mlp, forwardOutput, outputLayer } from './mlp.js';
import { voxelsInRegion } from './organ-region.js';
import type { Rng } from './prng.js';
import type { EngineImage } from './volume-io.js';
import { normalizeRows } from './voxel-sampling.js';

// Applying a checkpoint to one image: the hidden activations are computed once for the voxels
// of the organ region; the plain pass and every Monte-Carlo sample then only re-run the output
// layer. Voxels outside the region are background with probability 1.

// One image ready for the output layer.
export interface PreparedImage {
  voxels: number;
  // Indices of the voxels the network runs on, and their last hidden activations.
  inside: Int32Array;
  hidden: Float32Array;
}

// Class probabilities of the voxels inside the region: row r (voxel inside[r]) holds the
// probabilities of every class, background first.
export interface RegionProbabilities {
  voxels: number;
  inside: Int32Array;
  classes: number;
  rows: Float32Array;
}

// Computes features and last hidden activations (through `network`, the checkpoint's hidden
// layers) for the voxels inside the organ region.
export async function prepareImage(
  checkpoint: Checkpoint,
  image: EngineImage,
  network: HiddenNetwork,
): Promise<PreparedImage> {
  const features = computeFeatures(image.data, image.geometry, checkpoint.features);
  const inside = voxelsInRegion(checkpoint.region, features);
  const rows = new Float32Array(inside.length * features.count);
  gatherRows(features, inside, rows);
  normalizeRows(rows, inside.length, checkpoint.normalization);
  const hidden = await network(rows, inside.length);
  return { voxels: features.voxels, inside, hidden };
}

// Class probabilities inside the region from `network` (the checkpoint's, prior-corrected by
// priorCorrected). With `dropoutRng`, one Monte-Carlo dropout sample.
export function classProbabilities(
  network: Mlp,
  prepared: PreparedImage,
  dropoutRng?: Rng,
): RegionProbabilities {
  const classes = outputLayer(network).outSize;
  const { voxels, inside, hidden } = prepared;
  const rows = new Float32Array(inside.length * classes);
  forwardOutput(network, hidden, inside.length, rows, dropoutRng);
  return { voxels, inside, classes, rows };
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

// The checkpoint's network with its output moved from the training samples' class mix back
// towards the data's: each class's probability is multiplied by (data frequency / sampling
// frequency)^strength and the row renormalised, which is the same as adding the log of that
// factor to the class's output bias before the softmax.
export function priorCorrected(checkpoint: Checkpoint, strength: number): Mlp {
  const { data, sampling } = checkpoint.priors;
  const layer = outputLayer(checkpoint.mlp);
  const biases = Float32Array.from(layer.biases, (bias, c) => {
    const p = data[c] ?? 0;
    const q = sampling[c] ?? 0;
    return p > 0 && q > 0 ? bias + strength * Math.log(p / q) : bias;
  });
  return {
    ...checkpoint.mlp,
    layers: [...checkpoint.mlp.layers.slice(0, -1), { ...layer, biases }],
  };
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
