import { z } from 'zod';
import { ClassMap } from '../volume/class-map.js';

// The engine contract, version 1: the only way the orchestrator talks to a segmentation
// engine. The orchestrator writes a request JSON and runs the engine's command with the
// request's path; the engine writes a response JSON at `request.response`.
// Every path in a request or response is absolute. docs/engine-contract.md explains it;
// `sentinel engine-schemas` prints these schemas as JSON Schema.
export const CONTRACT = 'sentinel-engine/1';

const EngineIdentity = z.object({ name: z.string().min(1), version: z.string().min(1) });

export const TrainRequest = z.object({
  contract: z.literal(CONTRACT),
  action: z.literal('train'),
  // Checkpoint to start from, or null to train from scratch.
  init: z.string().nullable(),
  cases: z.array(z.object({ id: z.string().min(1), image: z.string(), label: z.string() })).min(1),
  classes: ClassMap,
  seed: z.number().int().nonnegative(),
  // Where the engine writes the trained checkpoint (a file or a folder, engine's choice).
  checkpoint: z.string(),
  response: z.string(),
  // A scratch folder the engine may use; the orchestrator removes it after the job.
  workdir: z.string(),
  // Engine-specific settings from the config (epochs, learning rate, network, ...).
  params: z.record(z.string(), z.unknown()),
});
export type TrainRequest = z.infer<typeof TrainRequest>;

export const TrainResponse = z.object({
  contract: z.literal(CONTRACT),
  action: z.literal('train'),
  engine: EngineIdentity,
  checkpoint: z.string(),
  // Anything the engine wants recorded (final loss, steps, ...).
  stats: z.record(z.string(), z.unknown()).optional(),
});
export type TrainResponse = z.infer<typeof TrainResponse>;

export const PredictRequest = z.object({
  contract: z.literal(CONTRACT),
  action: z.literal('predict'),
  checkpoint: z.string(),
  cases: z.array(z.object({ id: z.string().min(1), image: z.string() })).min(1),
  classes: ClassMap,
  seed: z.number().int().nonnegative(),
  // Folder for the outputs; the engine names files as it likes and lists them in the response.
  outputDir: z.string(),
  save: z.object({
    // Softmax probabilities as NIfTI 4D (x, y, z, class incl. background) or nnU-Net .npz.
    probabilities: z.boolean(),
    // Number of Monte-Carlo-dropout samples (each a probability map like above); 0 = none.
    mcSamples: z.number().int().nonnegative(),
    // Storage of probability maps: float32, or uint8 with scl_slope = 1/255.
    probabilityType: z.enum(['float32', 'uint8']),
    // Fused uncertainty (optional, engines that declare `uncertainty: fused`): instead of the
    // maps above, a 3D float32 map of each voxel's softmax entropy -sum_c p_c ln p_c, computed
    // from the probabilities as they would have been stored (probabilityType).
    entropyMap: z.boolean().optional(),
    // Likewise: run this many Monte-Carlo-dropout passes and write one 3D float32 map of each
    // voxel's mean over classes of the per-class std (population) over the passes; 0 or absent = none.
    mcStdMap: z.number().int().nonnegative().optional(),
  }),
  response: z.string(),
  workdir: z.string(),
  params: z.record(z.string(), z.unknown()),
});
export type PredictRequest = z.infer<typeof PredictRequest>;

export const PredictOutput = z.object({
  id: z.string(),
  // NIfTI label map on the image's grid, values in {0} + the class map's labels.
  mask: z.string(),
  probabilities: z.string().optional(),
  mcSamples: z.array(z.string()).optional(),
  // The fused uncertainty maps (3D float32 on the image's grid), when asked for.
  entropyMap: z.string().optional(),
  mcStdMap: z.string().optional(),
});
export type PredictOutput = z.infer<typeof PredictOutput>;

export const PredictResponse = z.object({
  contract: z.literal(CONTRACT),
  action: z.literal('predict'),
  engine: EngineIdentity,
  outputs: z.array(PredictOutput),
});
export type PredictResponse = z.infer<typeof PredictResponse>;

export type EngineRequest = TrainRequest | PredictRequest;
export type EngineAction = EngineRequest['action'];
