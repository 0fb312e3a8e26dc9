import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { PredictOutput, PredictRequest } from '../contract.js';
import { type Checkpoint, loadCheckpoint } from './checkpoint.js';
import { assertSameLabels, classOrder } from './class-map.js';
import { computeFeatures } from './features.js';
import { keepLargestComponents } from './largest-component.js';
import { forwardHidden, forwardOutput, lastHiddenSize } from './mlp.js';
import type { EngineParams } from './params.js';
import { createRng } from './prng.js';
import { type EngineImage, readImage, writeMask, writeProbabilities } from './volume-io.js';
import { normalizeRows } from './voxel-sampling.js';

// Segments the request's cases with a checkpoint: the argmax mask always, the softmax
// probabilities and Monte-Carlo-dropout samples when the request asks for them.
export async function predictReference(
  request: PredictRequest,
  params: EngineParams,
): Promise<PredictOutput[]> {
  const checkpoint = await loadCheckpoint(request.checkpoint);
  assertSameLabels(checkpoint.labels, classOrder(request.classes), request.checkpoint);
  await mkdir(request.outputDir, { recursive: true });
  const classWeights = priorWeights(checkpoint, params.priorCorrection);
  const names = uniqueFileStems(request.cases.map((item) => item.id));
  const extension = params.compress ? '.nii.gz' : '.nii';
  const outputs: PredictOutput[] = [];
  for (const [index, item] of request.cases.entries()) {
    const stem = join(request.outputDir, names[index]!);
    const image = await readImage(item.image);
    const hidden = hiddenActivations(checkpoint, image);
    const classes = checkpoint.labels.length + 1;
    const voxels = hidden.length / lastHiddenSize(checkpoint.mlp);
    const probabilities = new Float32Array(voxels * classes);
    forwardOutput(checkpoint.mlp, hidden, voxels, probabilities);
    reweight(probabilities, classWeights);
    const mask = argmaxLabels(probabilities, checkpoint.labels);
    if (params.largestComponent) keepLargestComponents(mask, image.geometry.dims);
    const output: PredictOutput = { id: item.id, mask: `${stem}_mask${extension}` };
    await writeMask(output.mask, mask, image);
    const type = request.save.probabilityType;
    if (request.save.probabilities) {
      output.probabilities = `${stem}_probabilities${extension}`;
      await writeProbabilities(output.probabilities, channelMajor(probabilities, classes), classes, image, type);
    }
    if (request.save.mcSamples > 0) {
      output.mcSamples = [];
      const caseSeed = (request.seed ^ hashString(item.id)) >>> 0;
      for (let t = 0; t < request.save.mcSamples; t++) {
        forwardOutput(checkpoint.mlp, hidden, voxels, probabilities, createRng(caseSeed, t + 1));
        reweight(probabilities, classWeights);
        const path = `${stem}_mc${String(t).padStart(2, '0')}${extension}`;
        await writeProbabilities(path, channelMajor(probabilities, classes), classes, image, type);
        output.mcSamples.push(path);
      }
    }
    outputs.push(output);
  }
  return outputs;
}

// The last hidden layer's activations for every voxel of an image.
function hiddenActivations(checkpoint: Checkpoint, image: EngineImage): Float32Array {
  const matrix = computeFeatures(image.data, image.geometry, checkpoint.features);
  normalizeRows(matrix.data, matrix.voxels, checkpoint.normalization);
  const hidden = new Float32Array(matrix.voxels * lastHiddenSize(checkpoint.mlp));
  forwardHidden(checkpoint.mlp, matrix.data, matrix.voxels, hidden);
  return hidden;
}

// Per-class factors that move the network's output from the sampling's class mix back
// towards the data's: (data frequency / sampling frequency)^strength.
function priorWeights(checkpoint: Checkpoint, strength: number): Float64Array {
  const { data, sampling } = checkpoint.priors;
  return Float64Array.from(data, (p, c) => {
    const q = sampling[c] ?? 0;
    return p > 0 && q > 0 ? (p / q) ** strength : 1;
  });
}

// Multiplies voxel-major probabilities by class weights and renormalises each voxel.
function reweight(probabilities: Float32Array, weights: Float64Array): void {
  const classes = weights.length;
  for (let o = 0; o < probabilities.length; o += classes) {
    let sum = 0;
    for (let c = 0; c < classes; c++) sum += probabilities[o + c]! * weights[c]!;
    for (let c = 0; c < classes; c++) probabilities[o + c] = (probabilities[o + c]! * weights[c]!) / sum;
  }
}

// The label value of each voxel's most probable class (0 for background).
function argmaxLabels(probabilities: Float32Array, labels: number[]): Uint8Array {
  const classes = labels.length + 1;
  const mask = new Uint8Array(probabilities.length / classes);
  for (let v = 0, o = 0; v < mask.length; v++, o += classes) {
    let best = 0;
    for (let c = 1; c < classes; c++) if (probabilities[o + c]! > probabilities[o + best]!) best = c;
    mask[v] = best === 0 ? 0 : labels[best - 1]!;
  }
  return mask;
}

// Voxel-major (v * classes + c) to channel-major (c * voxels + v), the NIfTI 4D order.
function channelMajor(probabilities: Float32Array, classes: number): Float32Array {
  const voxels = probabilities.length / classes;
  const out = new Float32Array(probabilities.length);
  for (let v = 0; v < voxels; v++) {
    for (let c = 0; c < classes; c++) out[c * voxels + v] = probabilities[v * classes + c]!;
  }
  return out;
}

// File-name-safe, unique stems for case ids.
function uniqueFileStems(ids: string[]): string[] {
  const seen = new Map<string, number>();
  return ids.map((id) => {
    const base = id.replace(/[^A-Za-z0-9._-]/g, '_').replace(/^\.+/, '_');
    const count = seen.get(base) ?? 0;
    seen.set(base, count + 1);
    return count === 0 ? base : `${base}_${count}`;
  });
}

// A 32-bit FNV-1a hash, to give each case its own Monte-Carlo stream.
function hashString(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}
