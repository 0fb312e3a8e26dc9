import { z } from 'zod';

// The reference engine's settings, read from a request's `params` (the engine-specific part of
// the config, passed to both train and predict). Every field has a default; an unknown field is
// an error so that a typo is not silently ignored.
export const EngineParams = z
  .object({
    // The voxel model: a random forest (default) or a small network (MLP). A fine-tune keeps
    // its init's kind.
    model: z.enum(['forest', 'mlp']).default('forest'),
    // Forest: trees grown per training (a fine-tune adds them to its init's trees), their
    // depth limit, the fewest samples in a leaf, and the quantile bins of each feature.
    trees: z.number().int().min(1).max(1000).default(24),
    maxDepth: z.number().int().min(1).max(40).default(20),
    minLeaf: z.number().int().positive().default(5),
    bins: z.number().int().min(2).max(256).default(64),
    // Forest: the share of its trees that vote in one Monte-Carlo sample.
    forestSampleFraction: z.number().gt(0).max(1).default(0.5),
    // Network training: mini-batch updates of Adam.
    steps: z.number().int().positive().default(3000),
    batchSize: z.number().int().positive().default(256),
    learningRate: z.number().positive().default(0.01),
    // Training: widths of the hidden layers (ignored when fine-tuning from a checkpoint).
    hiddenUnits: z.array(z.number().int().positive()).min(1).default([64, 32]),
    // Training: dropout rate on the last hidden layer, also used for Monte-Carlo sampling.
    dropout: z.number().min(0).max(0.9).default(0.2),
    // Training: voxels sampled per case, half spread over the classes present, half uniform.
    samplesPerCase: z.number().int().positive().default(3000),
    // Training: box-filter radii (mm) of the multi-scale features (ignored when fine-tuning).
    scalesMm: z.array(z.number().positive()).min(1).default([5, 10, 20, 40]),
    // Training: scales (among scalesMm) that also give directional context features.
    contextScalesMm: z.array(z.number().positive()).default([10, 20]),
    // Prediction: how far to undo the class-balanced sampling (0 = not at all, 1 = fully):
    // class scores are multiplied by (frequency in the data / frequency in the samples)^this.
    priorCorrection: z.number().min(0).max(1).default(0.5),
    // Prediction: keep only the largest connected component of each organ in the mask.
    largestComponent: z.boolean().default(true),
    // Prediction: CPU threads of the hidden layers' ONNX Runtime session (experiments run
    // several engine jobs side by side: engineConcurrency x predictThreads should fit the CPUs).
    predictThreads: z.number().int().positive().default(1),
    // Prediction: write NIfTI files gzip-compressed (.nii.gz) or not (.nii).
    compress: z.boolean().default(true),
  })
  .strict();
export type EngineParams = z.infer<typeof EngineParams>;
