import type { TrainRequest } from '../../src/engine/contract.js';
import { type Checkpoint, type VoxelModel, loadCheckpoint } from './checkpoint.js';
import { assertSameLabels, classOrder } from './class-map.js';
import { type FeatureConfig, computeFeatures, featureCount } from './features.js';
import { trainForest } from './forest.js';
import { type Batch, createAdam, trainStep } from './mlp-train.js';
import { type Mlp, createMlp } from './mlp.js';
import { type OrganRegion, emptyRegion, extendRegion, unionRegion } from './organ-region.js';
import type { EngineParams } from './params.js';
import { type Rng, createRng } from './prng.js';
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

// Trains (or fine-tunes, from `request.init`) the voxel model on the request's cases and
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
  const fitted = fitModel(set, params, init, rng);
  return {
    engine,
    labels: order.labels,
    names: order.names,
    features,
    model: fitted.model,
    region: init ? unionRegion(init.region, finalRegion(region)) : finalRegion(region),
    priors: { data: frequencies(set.dataCounts), sampling: frequencies(set.sampleCounts) },
    training: {
      ...fitted.stats,
      cases: request.cases.length,
      samples: set.rows,
      seed: request.seed,
      fineTuned: init !== undefined,
    },
  };
}

type Fitted = { model: VoxelModel; stats: Record<string, number> };

// Fits the voxel model of the init's kind (or params.model from scratch) on the samples.
export function fitModel(
  set: SampleSet,
  params: EngineParams,
  init: Pick<Checkpoint, 'model' | 'training'> | undefined,
  rng: Rng,
): Fitted {
  return (init?.model.kind ?? params.model) === 'forest'
    ? fitForest(set, params, init, rng)
    : fitNetwork(set, params, init, rng);
}

// Grows params.trees trees on the samples; a fine-tune adds them to its init's trees.
function fitForest(
  set: SampleSet,
  params: EngineParams,
  init: Pick<Checkpoint, 'model'> | undefined,
  rng: Rng,
): Fitted {
  const grown = trainForest(set, set.classes, { ...params, featuresPerSplit: 0 }, rng);
  const previous = init?.model.kind === 'forest' ? init.model.forest.trees : [];
  const forest = { classes: set.classes, trees: [...previous, ...grown.trees] };
  const nodes = grown.trees.reduce((sum, tree) => sum + tree.left.length, 0);
  return { model: { kind: 'forest', forest }, stats: { trees: forest.trees.length, nodes } };
}

// Trains the network from scratch, or further from its init (keeping the init's normalisation).
function fitNetwork(
  set: SampleSet,
  params: EngineParams,
  init: Pick<Checkpoint, 'model' | 'training'> | undefined,
  rng: Rng,
): Fitted {
  const previous = init?.model.kind === 'mlp' ? init.model : undefined;
  const normalization = previous?.normalization ?? featureStatistics(set);
  normalizeRows(set.inputs, set.rows, normalization);
  const mlp =
    previous?.mlp ??
    createMlp([set.features, ...params.hiddenUnits, set.classes], params.dropout, rng);
  const losses = fit(mlp, set, params, rng);
  const previousSteps = Number(init?.training.steps ?? 0);
  return {
    model: { kind: 'mlp', mlp, normalization },
    stats: {
      steps: previousSteps + params.steps,
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
  rng: Rng,
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
