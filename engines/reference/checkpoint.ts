import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { UserError } from '../../src/errors.js';
import { type FeatureConfig, featureCount } from './features.js';
import { ForestJson, decodeForest, encodeForest } from './forest-codec.js';
import type { Forest } from './forest.js';
import type { Mlp } from './mlp.js';
import type { OrganRegion } from './organ-region.js';

// The reference engine's checkpoint: one JSON file holding the voxel model (a random forest,
// or a network with its feature normalisation; arrays as base64 of little-endian bytes), the
// feature settings, the class map, and the class frequencies used to undo the class-balanced
// sampling at prediction time. Format 1 (a network only) is still read.
export const CHECKPOINT_FORMAT = 'sentinel-reference-engine/2';
const READABLE_FORMATS = ['sentinel-reference-engine/1', CHECKPOINT_FORMAT] as const;

const Base64Floats = z.string();

const CheckpointFile = z.object({
  format: z.enum(READABLE_FORMATS),
  engine: z.object({ name: z.string(), version: z.string() }),
  // Label values in class order (class 0 = background is implicit), and their names.
  labels: z.array(z.number().int().min(1).max(255)),
  names: z.array(z.string()),
  features: z.object({
    scalesMm: z.array(z.number()),
    wideWindow: z.tuple([z.number(), z.number()]),
    softWindow: z.tuple([z.number(), z.number()]),
    bodyThreshold: z.number(),
    contextScalesMm: z.array(z.number()).default([]),
  }),
  normalization: z.object({ mean: z.array(z.number()), std: z.array(z.number()) }).optional(),
  forest: ForestJson.optional(),
  network: z
    .object({
      dropout: z.number(),
      layers: z.array(
        z.object({
          inSize: z.number().int(),
          outSize: z.number().int(),
          weights: Base64Floats,
          biases: Base64Floats,
        }),
      ),
    })
    .optional(),
  // Body-relative position box that held every labelled training voxel.
  region: z.object({
    lo: z.tuple([z.number(), z.number(), z.number()]),
    hi: z.tuple([z.number(), z.number(), z.number()]),
  }),
  // Class frequencies among all voxels of the training labels, and in the training samples.
  priors: z.object({ data: z.array(z.number()), sampling: z.array(z.number()) }),
  training: z.record(z.string(), z.unknown()),
});

// The model that classifies each voxel from its features.
export type VoxelModel =
  | { kind: 'forest'; forest: Forest }
  | { kind: 'mlp'; mlp: Mlp; normalization: { mean: number[]; std: number[] } };

// A checkpoint in memory.
export interface Checkpoint {
  engine: { name: string; version: string };
  labels: number[];
  names: string[];
  features: FeatureConfig;
  model: VoxelModel;
  region: OrganRegion;
  priors: { data: number[]; sampling: number[] };
  training: Record<string, unknown>;
}

// The checkpoint as the JSON text written to disk (same checkpoint => same bytes).
export function serializeCheckpoint(checkpoint: Checkpoint): string {
  const { model, ...rest } = checkpoint;
  const file: z.infer<typeof CheckpointFile> = {
    format: CHECKPOINT_FORMAT,
    engine: rest.engine,
    labels: rest.labels,
    names: rest.names,
    features: rest.features,
    ...(model.kind === 'forest'
      ? { forest: encodeForest(model.forest) }
      : {
          normalization: model.normalization,
          network: {
            dropout: model.mlp.dropout,
            layers: model.mlp.layers.map((layer) => ({
              inSize: layer.inSize,
              outSize: layer.outSize,
              weights: encodeFloats(layer.weights),
              biases: encodeFloats(layer.biases),
            })),
          },
        }),
    region: rest.region,
    priors: rest.priors,
    training: rest.training,
  };
  return `${JSON.stringify(file, null, 1)}\n`;
}

// Reads and checks a checkpoint file written by this engine.
export async function loadCheckpoint(path: string): Promise<Checkpoint> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new UserError(`cannot read checkpoint ${path}: ${(error as Error).message}`);
  }
  let parsed: z.infer<typeof CheckpointFile>;
  try {
    parsed = CheckpointFile.parse(JSON.parse(text));
  } catch (error) {
    throw new UserError(`${path} is not a reference-engine checkpoint (${CHECKPOINT_FORMAT})`, {
      hint: (error as Error).message.split('\n')[0],
    });
  }
  return {
    engine: parsed.engine,
    labels: parsed.labels,
    names: parsed.names,
    features: parsed.features,
    model: voxelModel(parsed, path),
    region: parsed.region,
    priors: parsed.priors,
    training: parsed.training,
  };
}

function encodeFloats(values: Float32Array): string {
  const bytes = Buffer.alloc(values.length * 4);
  for (let i = 0; i < values.length; i++) bytes.writeFloatLE(values[i]!, i * 4);
  return bytes.toString('base64');
}

function decodeFloats(text: string): Float32Array {
  const bytes = Buffer.from(text, 'base64');
  const values = new Float32Array(Math.floor(bytes.length / 4));
  for (let i = 0; i < values.length; i++) values[i] = bytes.readFloatLE(i * 4);
  return values;
}

// The checkpoint's model: exactly one of a forest, or a network with its normalisation.
function voxelModel(parsed: z.infer<typeof CheckpointFile>, path: string): VoxelModel {
  const { forest, network, normalization } = parsed;
  if (forest && !network) {
    const decoded = decodeForest(forest, featureCount(parsed.features));
    if (typeof decoded === 'string')
      throw new UserError(`checkpoint ${path} is damaged: its forest's ${decoded}`);
    return { kind: 'forest', forest: decoded };
  }
  if (!network || !normalization || forest) {
    throw new UserError(`${path} is not a reference-engine checkpoint (${CHECKPOINT_FORMAT})`, {
      hint: 'it must hold either a forest, or a network with its normalization',
    });
  }
  const layers = network.layers.map((layer) => {
    const weights = decodeFloats(layer.weights);
    const biases = decodeFloats(layer.biases);
    if (weights.length !== layer.inSize * layer.outSize || biases.length !== layer.outSize) {
      throw new UserError(`checkpoint ${path} is damaged: a layer's sizes do not match`);
    }
    return { inSize: layer.inSize, outSize: layer.outSize, weights, biases };
  });
  return { kind: 'mlp', mlp: { layers, dropout: network.dropout }, normalization };
}
