import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { PredictOutput, PredictRequest } from '../../src/engine/contract.js';
import { loadCheckpoint } from './checkpoint.js';
import { assertSameLabels, classOrder } from './class-map.js';
import { keepLargestComponents } from './largest-component.js';
import { openHiddenNetwork } from './mlp-onnx.js';
import type { EngineParams } from './params.js';
import { createRng } from './prng.js';
import { argmaxLabels, prepareImage } from './segment-image.js';
import { readImage, writeMask, writeProbabilities } from './volume-io.js';

// Segments the request's cases with a checkpoint: the argmax mask always, the softmax
// probabilities and Monte-Carlo-dropout samples when the request asks for them.
export async function predictReference(
  request: PredictRequest,
  params: EngineParams,
): Promise<PredictOutput[]> {
  const checkpoint = await loadCheckpoint(request.checkpoint);
  assertSameLabels(checkpoint.labels, classOrder(request.classes), request.checkpoint);
  await mkdir(request.outputDir, { recursive: true });
  const model = checkpoint.model;
  const settings = {
    priorCorrection: params.priorCorrection,
    forestSampleFraction: params.forestSampleFraction,
    manySamples: request.save.mcSamples > 0,
    hiddenNetwork:
      model.kind === 'mlp' ? await openHiddenNetwork(model.mlp, params.predictThreads) : undefined,
  };
  const names = uniqueFileStems(request.cases.map((item) => item.id));
  const extension = params.compress ? '.nii.gz' : '.nii';
  const outputs: PredictOutput[] = [];
  for (const [index, item] of request.cases.entries()) {
    const stem = join(request.outputDir, names[index]!);
    const image = await readImage(item.image);
    const prepared = await prepareImage(checkpoint, image, settings);
    // The plain probabilities where they are saved or Monte-Carlo samples share their tree
    // traversal; a mask alone is found sooner.
    const plain = request.save.probabilities || request.save.mcSamples > 0;
    const probabilities = plain ? prepared.sample() : undefined;
    const mask = probabilities ? argmaxLabels(probabilities, checkpoint.labels) : prepared.mask();
    if (params.largestComponent) keepLargestComponents(mask, image.geometry.dims);
    const output: PredictOutput = { id: item.id, mask: `${stem}_mask${extension}` };
    await writeMask(output.mask, mask, image);
    const type = request.save.probabilityType;
    if (request.save.probabilities) {
      output.probabilities = `${stem}_probabilities${extension}`;
      await writeProbabilities(output.probabilities, probabilities!, image, type);
    }
    if (request.save.mcSamples > 0) {
      output.mcSamples = [];
      const caseSeed = (request.seed ^ hashString(item.id)) >>> 0;
      for (let t = 0; t < request.save.mcSamples; t++) {
        const rng = createRng(caseSeed, t + 1);
        const sample = prepared.sample(rng);
        const path = `${stem}_mc${String(t).padStart(2, '0')}${extension}`;
        await writeProbabilities(path, sample, image, type);
        output.mcSamples.push(path);
      }
    }
    outputs.push(output);
  }
  return outputs;
}

// File-name-safe, unique stems for case ids ("a/b" -> "a_b"; a repeat gets "_2", "_3", ...).
function uniqueFileStems(ids: string[]): string[] {
  const used = new Set<string>();
  return ids.map((id) => {
    const base = id.replace(/[^A-Za-z0-9._-]/g, '_').replace(/^\.+/, '_');
    let stem = base;
    for (let n = 2; used.has(stem); n++) stem = `${base}_${n}`;
    used.add(stem);
    return stem;
  });
}

// A 32-bit FNV-1a hash, to give each case its own Monte-Carlo stream.
function hashString(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}
