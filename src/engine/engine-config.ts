import { z } from 'zod';
import { placeholdersOf } from '../executor/expand-argv.js';
import { torchPatchProblem } from './torch-patch-rule.js';

// The placeholders an engine's command (and env values) may use; each is replaced per argv
// element by run-engine.ts.
export const ENGINE_PLACEHOLDERS = {
  action: 'train or predict',
  request: 'the request JSON path',
  response: 'where the engine writes its response JSON',
  workdir: 'a scratch folder for this job, removed after it succeeds',
  jobdir: "the folder holding this job's request, response and log",
  package: 'the installed sentinel package root (for shipped engines)',
  node: 'the path of the Node.js running sentinel',
} as const;

const Seconds = z.number().positive();

// The `engine:` section of a config: how to run one segmentation engine through contract v1.
export const EngineConfig = z
  .object({
    // A short name for reports and logs.
    name: z.string().min(1),
    // argv template, e.g. ["node", "{package}/dist/engines/reference/main.js", "{action}",
    // "--request", "{request}"]; never run through a shell.
    command: z
      .array(z.string().min(1))
      .min(1)
      .superRefine((command, ctx) => {
        for (const name of placeholdersOf(command)) {
          if (!(name in ENGINE_PLACEHOLDERS)) {
            ctx.addIssue({
              code: 'custom',
              message: `unknown placeholder {${name}}; valid: ${Object.keys(ENGINE_PLACEHOLDERS)
                .map((n) => `{${n}}`)
                .join(', ')}`,
            });
          }
        }
      }),
    // Extra environment variables (added to sentinel's own); values may use the placeholders.
    env: z.record(z.string(), z.string()).default({}),
    // Stop a job running longer than this: one limit for both actions, or one per action.
    timeoutSeconds: z
      .union([
        Seconds,
        z.object({ train: Seconds.optional(), predict: Seconds.optional() }).strict(),
      ])
      .optional(),
    // Engine-specific settings passed verbatim as the request's `params`; the torch engine's
    // patch rule is checked here, before any work (torch-patch-rule.ts).
    params: z
      .record(z.string(), z.unknown())
      .default({})
      .superRefine((params, ctx) => {
        const problem = torchPatchProblem(params);
        if (problem) ctx.addIssue({ code: 'custom', path: ['patchSize'], message: problem });
      }),
    // How the engine should store probability maps when asked for them.
    probabilityType: z.enum(['float32', 'uint8']).default('float32'),
    // Whether `predict` can write Monte-Carlo-dropout samples (needed by the mc-dropout method).
    supportsMcDropout: z.boolean().default(false),
    // How the entropy and mc-dropout methods get their per-voxel uncertainty: `files` (the
    // engine writes probability maps / T MC samples, the strategies read them) or `fused` (the
    // engine computes the entropy / MC-std map itself while it predicts and writes only that;
    // docs/engine-contract.md). `files` works with every engine; `fused` needs one that
    // implements save.entropyMap and save.mcStdMap (the reference and torch engines do).
    uncertainty: z.enum(['files', 'fused']).default('files'),
    // Whether `train` works (false for prediction-only pseudo-labellers such as TotalSegmentator).
    supportsTraining: z.boolean().default(true),
  })
  .strict();
export type EngineConfig = z.infer<typeof EngineConfig>;
export type EngineConfigInput = z.input<typeof EngineConfig>;

// The timeout (seconds) for one action, if any.
export function engineTimeout(
  engine: EngineConfig,
  action: 'train' | 'predict',
): number | undefined {
  const t = engine.timeoutSeconds;
  return typeof t === 'number' ? t : t?.[action];
}
