import { eq } from 'drizzle-orm';
import { UserError } from '../errors.js';
import { type ExperimentKind, type ExperimentStatus, experiments } from './schema.js';
import type { DbWriter } from './types.js';

export type Experiment = typeof experiments.$inferSelect;

// What identifies an experiment's inputs; a resumed run must match the recorded one.
export interface ExperimentInput {
  name: string;
  kind: ExperimentKind;
  config: unknown;
  configHash: string;
  codeVersion: string;
  modelHashes: Record<string, string>;
  engineName: string;
  engineVersion?: string | null;
}

export interface OpenedExperiment {
  experiment: Experiment;
  // new: first start; resumed: same inputs as recorded; replaced: --force discarded the old one.
  state: 'new' | 'resumed' | 'replaced';
}

// Records an experiment at start-up, or finds the recorded one when a run resumes. Different
// inputs under the same name are a UserError (new --out or --force); with force the old
// experiment and everything recorded under it are deleted first, in the same transaction.
export function upsertExperiment(
  db: DbWriter,
  input: ExperimentInput,
  options: { force?: boolean } = {},
): OpenedExperiment {
  return db.transaction(
    (tx) => {
      const recorded = tx.select().from(experiments).where(eq(experiments.name, input.name)).get();
      const values = { ...input, engineVersion: input.engineVersion ?? null };
      if (recorded === undefined) {
        return {
          experiment: tx.insert(experiments).values(values).returning().get(),
          state: 'new',
        };
      }
      const differences = describeDifferences(recorded, values);
      if (differences.length === 0) {
        const experiment = tx
          .update(experiments)
          .set({ status: 'running', updatedAt: new Date().toISOString() })
          .where(eq(experiments.id, recorded.id))
          .returning()
          .get();
        return { experiment, state: 'resumed' };
      }
      if (options.force !== true) {
        throw new UserError(
          `the run "${input.name}" was started with a different ${differences.join(', ')}`,
          {
            hint: 'use a new --out folder, or add --force to discard its results and start over',
          },
        );
      }
      tx.delete(experiments).where(eq(experiments.id, recorded.id)).run();
      return {
        experiment: tx.insert(experiments).values(values).returning().get(),
        state: 'replaced',
      };
    },
    { behavior: 'immediate' },
  );
}

// Sets the experiment's status (running, done, failed, stopped).
export function setExperimentStatus(
  db: DbWriter,
  experimentId: number,
  status: ExperimentStatus,
): void {
  db.update(experiments)
    .set({ status, updatedAt: new Date().toISOString() })
    .where(eq(experiments.id, experimentId))
    .run();
}

// The experiments recorded in a database, oldest first (one per run folder in practice).
export function listExperiments(db: DbWriter): Experiment[] {
  return db.select().from(experiments).orderBy(experiments.id).all();
}

// The experiment of that name, if recorded.
export function findExperiment(db: DbWriter, name: string): Experiment | undefined {
  return db.select().from(experiments).where(eq(experiments.name, name)).get();
}

function describeDifferences(
  recorded: Experiment,
  input: Omit<ExperimentInput, 'engineVersion'> & { engineVersion: string | null },
): string[] {
  const differences: string[] = [];
  if (recorded.kind !== input.kind) differences.push(`kind (${recorded.kind}, now ${input.kind})`);
  if (recorded.configHash !== input.configHash) differences.push('configuration');
  if (!sameHashes(recorded.modelHashes, input.modelHashes)) differences.push('set of model files');
  if (recorded.engineName !== input.engineName || recorded.engineVersion !== input.engineVersion) {
    const was = `${recorded.engineName} ${recorded.engineVersion ?? ''}`.trim();
    const now = `${input.engineName} ${input.engineVersion ?? ''}`.trim();
    differences.push(`engine (${was}, now ${now})`);
  }
  return differences;
}

function sameHashes(a: Record<string, string>, b: Record<string, string>): boolean {
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((k) => a[k] === b[k]);
}
