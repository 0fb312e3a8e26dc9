import type { TrainRequest } from '../../src/engine/contract.js';
import { type Checkpoint, loadCheckpoint } from './checkpoint.js';
import { assertSameLabels, classOrder } from './class-map.js';
import { type FeatureConfig, computeFeatures, featureCount } from './features.js';
import { type Batch, createAdam, trainStep } from './mlp-train.js';
import { type Mlp, createMlp } from './mlp.js';
import { type OrganRegion, emptyRegion, extendRegion, unionRegion } from './organ-region.js';
import type { EngineParams } from './params.js';
import { createRng } from './prng.js';
import { readImage, readLabels } from './volume-io.js';
import {
  type SampleSet,
  createSampleSet,
  featureStatistics,
  normalizeRows,
  sampleCase,
} from './voxel-sampling.js';

// The feature window shared by every checkpoint trained from scratch (CT in HU).
const CT_FEATURES: Omit<FeatureConfig, 'scalesMm' | 'contextScalesMm'> = {
  wideWindow: [-1000, 1500],
  softWindow: [-200, 300],
  bodyThreshold: -500,
};

// Trains (or fine-tunes, from `request.init`) the per-voxel network on the request's cases and
// returns the checkpoint; the caller writes it.
export async function trainReference(
  request: TrainRequest,
  params: EngineParams,
  engine: { name: string; version: string },
): Promise<Checkpoint> {
  const order = classOrder(request.classes);
  const init = request.init === null ? undefined : await loadCheckpoint(request.init);
  if (init && request.init) assertSameLabels(init.labels, order, request.init);
  const features: FeatureConfig = init?.features ?? {
    ...CT_FEATURES,
    scalesMm: params.scalesMm,
    contextScalesMm: params.contextScalesMm,
  };
  const classes = order.labels.length + 1;
  const rng = createRng(request.seed);
  const set = createSampleSet(
    featureCount(features),
    classes,
    request.cases.length * params.samplesPerCase,
  );
  const region = emptyRegion();
  for (const item of request.cases) {
    const image = await readImage(item.image);
    const labels = await readLabels(item.label, image, item.image);
    const classOf = new Uint8Array(labels.length);
    for (let v = 0; v < labels.length; v++) {
      const value = labels[v]!;
      classOf[v] = value <= 255 ? order.classOfLabel[value]! : 0;
    }
    const matrix = computeFeatures(image.data, image.geometry, features);
    sampleCase(set, matrix, classOf, params.samplesPerCase, rng);
    extendRegion(region, matrix, classOf);
  }
  const normalization = init?.normalization ?? featureStatistics(set);
  normalizeRows(set.inputs, set.rows, normalization);
  const mlp =
    init?.mlp ?? createMlp([set.features, ...params.hiddenUnits, classes], params.dropout, rng);
  const losses = fit(mlp, set, params, rng);
  const previousSteps = Number(init?.training.steps ?? 0);
  return {
    engine,
    labels: order.labels,
    names: order.names,
    features,
    normalization,
    mlp,
    region: init ? unionRegion(init.region, finalRegion(region)) : finalRegion(region),
    priors: { data: frequencies(set.dataCounts), sampling: frequencies(set.sampleCounts) },
    training: {
      steps: previousSteps + params.steps,
      cases: request.cases.length,
      samples: set.rows,
      seed: request.seed,
      fineTuned: init !== undefined,
      firstLoss: round(losses.first),
      finalLoss: round(losses.last),
    },
  };
}

// Runs the Adam steps with a cosine-decaying learning rate; returns the mean loss of the first
// and last 5% of the steps.
function fit(
  mlp: Mlp,
  set: SampleSet,
  params: EngineParams,
  rng: ReturnType<typeof createRng>,
): { first: number; last: number } {
  const adam = createAdam(mlp);
  const { batchSize, steps, learningRate } = params;
  const f = set.features;
  const batch: Batch = {
    inputs: new Float32Array(batchSize * f),
    targets: new Uint8Array(batchSize),
    rows: batchSize,
  };
  const window = Math.max(1, Math.floor(steps / 20));
  let first = 0;
  let last = 0;
  for (let step = 0; step < steps; step++) {
    for (let r = 0; r < batchSize; r++) {
      const row = rng.int(set.rows);
      batch.inputs.set(set.inputs.subarray(row * f, row * f + f), r * f);
      batch.targets[r] = set.targets[row]!;
    }
    const progress = step / steps;
    const rate = learningRate * (0.05 + 0.95 * 0.5 * (1 + Math.cos(Math.PI * progress)));
    const loss = trainStep(mlp, adam, batch, rate, rng);
    if (step < window) first += loss / window;
    if (step >= steps - window) last += loss / window;
  }
  return { first, last };
}

// The region, or the whole body box when no labelled voxel was seen.
function finalRegion(region: OrganRegion): OrganRegion {
  return region.lo[0] <= region.hi[0] ? region : { lo: [0, 0, 0], hi: [1, 1, 1] };
}

function frequencies(counts: Float64Array): number[] {
  const total = counts.reduce((a, b) => a + b, 0) || 1;
  return Array.from(counts, (count) => count / total);
}

function round(value: number): number {
  return Math.round(value * 1e6) / 1e6;
}
