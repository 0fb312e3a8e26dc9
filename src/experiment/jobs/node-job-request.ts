import { z } from 'zod';
import { ClassMap } from '../../volume/class-map.js';

// The work an experiment runs in a child Node process (so it is metered like an engine job):
// scoring the pool with one method, or evaluating predicted masks against the truth. The child
// is `sentinel job --request FILE`; it writes its result JSON to `result`.

const PoolCaseSchema = z.object({
  id: z.string(),
  image: z.string(),
  mask: z.string(),
  probabilities: z.string().optional(),
  mcSamples: z.array(z.string()).optional(),
  entropyMap: z.string().optional(),
  mcStdMap: z.string().optional(),
  truth: z.string().optional(),
});

export const ScoreJobRequest = z.object({
  kind: z.literal('score'),
  method: z.string(),
  // The absolute path of a user's strategy module (absent for a built-in method).
  module: z.string().optional(),
  seed: z.number().int().nonnegative(),
  classes: ClassMap,
  options: z.object({
    qsModel: z.string().optional(),
    qsBatchSize: z.number().int().positive().optional(),
  }),
  cases: z.array(PoolCaseSchema),
  result: z.string(),
});
export type ScoreJobRequest = z.infer<typeof ScoreJobRequest>;

export const EvaluateJobRequest = z.object({
  kind: z.literal('evaluate'),
  classes: ClassMap,
  nsdToleranceMm: z.number().positive(),
  cases: z.array(z.object({ id: z.string(), prediction: z.string(), truth: z.string() })),
  result: z.string(),
});
export type EvaluateJobRequest = z.infer<typeof EvaluateJobRequest>;

export const NodeJobRequest = z.discriminatedUnion('kind', [ScoreJobRequest, EvaluateJobRequest]);
export type NodeJobRequest = z.infer<typeof NodeJobRequest>;

// What a score job writes: per case, the organ scores and the case score (null = n/a).
export const ScoreJobResult = z.object({
  cases: z.array(
    z.object({
      caseId: z.string(),
      caseScore: z.number().nullable(),
      organs: z.array(
        z.object({
          organ: z.string(),
          score: z.number().nullable(),
          slices: z.number().optional(),
          worstSlice: z.number().nullable().optional(),
        }),
      ),
    }),
  ),
  warnings: z.array(z.string()),
});
export type ScoreJobResult = z.infer<typeof ScoreJobResult>;

// What an evaluate job writes: Dice and NSD per case and organ (null where the organ is in
// neither map).
export const EvaluateJobResult = z.object({
  rows: z.array(
    z.object({
      caseId: z.string(),
      organ: z.string(),
      dsc: z.number().nullable(),
      nsd: z.number().nullable(),
    }),
  ),
});
export type EvaluateJobResult = z.infer<typeof EvaluateJobResult>;
