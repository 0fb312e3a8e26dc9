import { z } from 'zod';

// The `executor:` section of a config (src/config/experiment-schema.ts): where jobs run.

const positiveInt = z.number().int().positive();

// Where jobs run: this machine, engine jobs (train/predict) and node jobs (score/evaluate) each
// under their own concurrency limit; a failed job is tried up to maxAttempts times.
const LocalExecutor = z.strictObject({
  kind: z.literal('local').default('local'),
  engineConcurrency: positiveInt.default(1),
  nodeConcurrency: positiveInt.default(2),
  maxAttempts: positiveInt.default(2),
});

// Or a Slurm cluster: every job is a batch job (sbatch) running the same command, metered inside
// the job; pool predictions and scores are array jobs of shardSize cases per task. partition,
// account, cpus (--cpus-per-task), mem (--mem, e.g. 16G), time (--time, e.g. 02:00:00) apply to
// every job, gres (e.g. gpu:1) to engine jobs only; extraArgs are added to every sbatch as is.
const SlurmExecutor = z.strictObject({
  kind: z.literal('slurm'),
  partition: z.string().min(1).optional(),
  account: z.string().min(1).optional(),
  gres: z.string().min(1).optional(),
  cpus: positiveInt.optional(),
  mem: z
    .string()
    .regex(/^\d+[KMGT]?$/, 'a size such as 16G or 4000M')
    .optional(),
  time: z.string().min(1).optional(),
  // Array tasks running at once (--array=...%maxParallel), and jobs submitted at once per pool.
  maxParallel: positiveInt.default(16),
  extraArgs: z.array(z.string()).default([]),
  // Seconds between two looks at squeue.
  pollSeconds: z.number().positive().default(5),
  // Cases per array task of a sharded predict or score job.
  shardSize: positiveInt.default(25),
  // A failed job (or failed array task, alone) is tried up to maxAttempts times.
  maxAttempts: positiveInt.default(2),
});

// The executor part of a config: {kind: local, ...} (the default) or {kind: slurm, ...}.
export const ExecutorConfig = z.discriminatedUnion('kind', [LocalExecutor, SlurmExecutor]);
export type ExecutorConfig = z.output<typeof ExecutorConfig>;
export type SlurmExecutorConfig = z.output<typeof SlurmExecutor>;
