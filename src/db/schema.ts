// The experiment database, one typed file. drizzle-kit generates the migrations in drizzle/
// from it (`npm run db:generate`); they are committed and never edited by hand.
//
// Conventions:
// - One database per run folder; all rows hang off an experiment and go with it (cascade).
// - Natural keys are primary/unique keys, so re-recording a result is an upsert, never a
//   duplicate. Every key column is NOT NULL: SQLite treats NULLs as distinct in keys.
// - organ = '*' (CASE_LEVEL_ORGAN) is the case-level row of scores and metrics.
// - The M0 baseline is method 'baseline' (BASELINE_METHOD) with budget 0.
// - The control is method 'labeled-only' (CONTROL_METHOD) with budget 0: fine-tuned on the
//   labeled set alone with the methods' schedule, one row set per seed.
// - budget is N (AL, lowest N revised) or K (SSL, highest K kept).
// - round is the active-learning round (1 = the paper's single round; al-run --rounds R adds
//   2..R): round r revises the next N lowest of what is left of the pool and fine-tunes on the
//   labeled set plus everything revised so far (cumulative labels r x N). Round 1 scores are
//   made before any revision and shared by every budget (recorded with budget 0); a later
//   round's scores come from that budget's own model.
// - Times are ISO 8601 UTC text; costs are seconds and bytes.
import { type SQL, sql } from 'drizzle-orm';
import {
  type AnySQLiteColumn,
  check,
  foreignKey,
  index,
  integer,
  primaryKey,
  real,
  sqliteTable,
  text,
  unique,
} from 'drizzle-orm/sqlite-core';

// The organ value of a case-level score or metric row.
export const CASE_LEVEL_ORGAN = '*';
// The method name of the M0 baseline rows (recorded with budget 0).
export const BASELINE_METHOD = 'baseline';
export const BASELINE_BUDGET = 0;
// The method name of the control rows: M0 fine-tuned on the labeled set alone, nothing
// selected, the same schedule as every method's fine-tune (recorded with budget 0).
export const CONTROL_METHOD = 'labeled-only';

export const experimentKinds = ['al', 'ssl'] as const;
export const experimentStatuses = ['running', 'done', 'failed', 'stopped'] as const;
export const caseRoles = ['labeled', 'pool', 'test'] as const;
export const jobStatuses = ['pending', 'running', 'done', 'failed'] as const;

export type ExperimentKind = (typeof experimentKinds)[number];
export type ExperimentStatus = (typeof experimentStatuses)[number];
export type CaseRole = (typeof caseRoles)[number];
export type JobStatus = (typeof jobStatuses)[number];

// A CHECK that a text column holds one of the listed values.
function oneOf(name: string, column: string, values: readonly string[]): ReturnType<typeof check> {
  const list = values.map((v) => `'${v}'`).join(', ');
  return check(name, sql.raw(`"${column}" IN (${list})`) as SQL);
}

function nowIso(): string {
  return new Date().toISOString();
}

// One experiment: what was asked (config and its hash) and with what (code, models, engine).
export const experiments = sqliteTable(
  'experiments',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    name: text('name').notNull().unique(),
    kind: text('kind', { enum: experimentKinds }).notNull(),
    config: text('config', { mode: 'json' }).$type<unknown>().notNull(),
    configHash: text('config_hash').notNull(),
    codeVersion: text('code_version').notNull(),
    // File name or role -> sha256 of each model file the experiment used (QS bundles, ...).
    modelHashes: text('model_hashes', { mode: 'json' }).$type<Record<string, string>>().notNull(),
    engineName: text('engine_name').notNull(),
    engineVersion: text('engine_version'),
    status: text('status', { enum: experimentStatuses }).notNull().default('running'),
    createdAt: text('created_at').notNull().$defaultFn(nowIso),
    updatedAt: text('updated_at').notNull().$defaultFn(nowIso),
  },
  () => [
    oneOf('experiments_kind_check', 'kind', experimentKinds),
    oneOf('experiments_status_check', 'status', experimentStatuses),
  ],
);

// The cases of an experiment and their role: labeled set L, unlabeled pool U, test set T.
export const cases = sqliteTable(
  'cases',
  {
    experimentId: integer('experiment_id')
      .notNull()
      .references((): AnySQLiteColumn => experiments.id, { onDelete: 'cascade' }),
    caseId: text('case_id').notNull(),
    role: text('role', { enum: caseRoles }).notNull(),
    imagePath: text('image_path').notNull(),
    // Ground truth; absent for a real unlabeled pool.
    labelPath: text('label_path'),
    // The sub-population the dataset puts the case in (the demo phantoms' groups, or a split
    // file's "groups"), for results per group; null where the dataset names none.
    caseGroup: text('case_group'),
  },
  (t) => [
    primaryKey({ columns: [t.experimentId, t.caseId] }),
    index('cases_role_idx').on(t.experimentId, t.role),
    oneOf('cases_role_check', 'role', caseRoles),
  ],
);

// One file a finished job wrote: its path inside the job's folder, its size and its sha256.
export interface OutputFile {
  path: string;
  size: number;
  sha256: string;
}

// One job of the plan (train, predict, score, evaluate, ...), its status and measured cost.
export const jobs = sqliteTable(
  'jobs',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    experimentId: integer('experiment_id')
      .notNull()
      .references((): AnySQLiteColumn => experiments.id, { onDelete: 'cascade' }),
    // Deterministic key from the plan; resume skips keys recorded as done.
    key: text('key').notNull(),
    kind: text('kind').notNull(),
    // NULL for shared jobs (M0 training, pseudo labels) that belong to no one method.
    method: text('method'),
    seed: integer('seed'),
    budget: integer('budget'),
    round: integer('round').notNull().default(1),
    status: text('status', { enum: jobStatuses }).notNull().default('pending'),
    attempts: integer('attempts').notNull().default(0),
    wallS: real('wall_s'),
    cpuS: real('cpu_s'),
    peakRssBytes: integer('peak_rss_bytes'),
    diskBytes: integer('disk_bytes'),
    exitCode: integer('exit_code'),
    // Why it failed, short and stable (e.g. 'exit-code', 'timeout', 'no-response'); then details.
    reason: text('reason'),
    message: text('message'),
    logPath: text('log_path'),
    // Where it ran ('local', 'slurm') and the id there (Slurm job id), to re-attach on resume.
    executor: text('executor'),
    externalId: text('external_id'),
    startedAt: text('started_at'),
    finishedAt: text('finished_at'),
    // What the job produced (paths, counts), as the job kind defines it.
    output: text('output', { mode: 'json' }).$type<unknown>(),
    // The files it wrote into its folder, each with its size and sha256, to find an output
    // removed or changed before it is used again (NULL for jobs recorded before this column).
    outputs: text('outputs', { mode: 'json' }).$type<OutputFile[]>(),
  },
  (t) => [
    unique('jobs_experiment_key_unique').on(t.experimentId, t.key),
    index('jobs_status_idx').on(t.experimentId, t.status),
    index('jobs_method_kind_idx').on(t.experimentId, t.method, t.kind),
    oneOf('jobs_status_check', 'status', jobStatuses),
  ],
);

// Quality scores of the pool: per organ, and the case-level row with organ '*'.
export const scores = sqliteTable(
  'scores',
  {
    experimentId: integer('experiment_id').notNull(),
    method: text('method').notNull(),
    seed: integer('seed').notNull(),
    round: integer('round').notNull().default(1),
    budget: integer('budget').notNull().default(0),
    caseId: text('case_id').notNull(),
    organ: text('organ').notNull(),
    // Higher = better quality; NULL = no score (n/a).
    value: real('value'),
    // Slices the score was computed from (QS), when meaningful.
    slices: integer('slices'),
    // The slice index (z) with the worst score, for worklist thumbnails, when known.
    worstSlice: integer('worst_slice'),
  },
  (t) => [
    primaryKey({
      columns: [t.experimentId, t.method, t.seed, t.round, t.budget, t.caseId, t.organ],
    }),
    foreignKey({
      columns: [t.experimentId, t.caseId],
      foreignColumns: [cases.experimentId, cases.caseId],
    }).onDelete('cascade'),
    index('scores_ranking_idx').on(t.experimentId, t.method, t.organ, t.value),
  ],
);

// What each method picked at each budget: rank 1 = first pick.
export const selections = sqliteTable(
  'selections',
  {
    experimentId: integer('experiment_id').notNull(),
    method: text('method').notNull(),
    seed: integer('seed').notNull(),
    budget: integer('budget').notNull(),
    round: integer('round').notNull().default(1),
    caseId: text('case_id').notNull(),
    rank: integer('rank').notNull(),
    // The case-level score it was picked on (NULL = n/a).
    score: real('score'),
  },
  (t) => [
    primaryKey({ columns: [t.experimentId, t.method, t.seed, t.budget, t.round, t.caseId] }),
    unique('selections_rank_unique').on(
      t.experimentId,
      t.method,
      t.seed,
      t.budget,
      t.round,
      t.rank,
    ),
    foreignKey({
      columns: [t.experimentId, t.caseId],
      foreignColumns: [cases.experimentId, cases.caseId],
    }).onDelete('cascade'),
  ],
);

// Dice and NSD of a fine-tuned model (or M0: method 'baseline', budget 0) on the test set.
export const metrics = sqliteTable(
  'metrics',
  {
    experimentId: integer('experiment_id').notNull(),
    method: text('method').notNull(),
    seed: integer('seed').notNull(),
    budget: integer('budget').notNull(),
    round: integer('round').notNull().default(1),
    caseId: text('case_id').notNull(),
    organ: text('organ').notNull(),
    // NULL when undefined (organ absent from both prediction and truth).
    dsc: real('dsc'),
    nsd: real('nsd'),
  },
  (t) => [
    primaryKey({
      columns: [t.experimentId, t.method, t.seed, t.budget, t.round, t.caseId, t.organ],
    }),
    foreignKey({
      columns: [t.experimentId, t.caseId],
      foreignColumns: [cases.experimentId, cases.caseId],
    }).onDelete('cascade'),
    index('metrics_budget_idx').on(t.experimentId, t.budget, t.method),
  ],
);

// The run lock: at most one row, the orchestrator process that may write this run.
export const runLock = sqliteTable(
  'run_lock',
  {
    id: integer('id').primaryKey(),
    pid: integer('pid').notNull(),
    hostname: text('hostname').notNull(),
    // The holder's start time as the OS reports it (Linux /proc), to tell a reused pid apart.
    processStart: text('process_start'),
    acquiredAt: text('acquired_at').notNull(),
  },
  () => [check('run_lock_single_row_check', sql.raw('"id" = 1') as SQL)],
);

// The method name of the metrics and jobs of real annotation rounds (al-run --export-worklist,
// then `sentinel import-revisions`): the model fine-tuned on the labeled set and every mask the
// annotators returned so far, recorded with budget = the number of revised cases.
export const ANNOTATED_METHOD = 'annotated';

// The cases a review round asked annotators to revise: round 1 is written by al-run
// --export-worklist, round R + 1 by the import of round R. The pseudo label is the file the
// round's review folder started from (relative to the run folder), to tell a returned mask that
// nobody changed.
export const reviewRequests = sqliteTable(
  'review_requests',
  {
    experimentId: integer('experiment_id').notNull(),
    round: integer('round').notNull(),
    caseId: text('case_id').notNull(),
    // 1 = the worst case of the round.
    rank: integer('rank').notNull(),
    // The method whose scores chose the round, and the case-level score (NULL = n/a).
    method: text('method').notNull(),
    score: real('score'),
    worstOrgan: text('worst_organ'),
    worstSlice: integer('worst_slice'),
    pseudoLabelPath: text('pseudo_label_path').notNull(),
    writtenAt: text('written_at').notNull().$defaultFn(nowIso),
  },
  (t) => [
    primaryKey({ columns: [t.experimentId, t.round, t.caseId] }),
    unique('review_requests_rank_unique').on(t.experimentId, t.round, t.rank),
    foreignKey({
      columns: [t.experimentId, t.caseId],
      foreignColumns: [cases.experimentId, cases.caseId],
    }).onDelete('cascade'),
  ],
);

// A corrected mask an annotator returned, as imported: the copy kept in the run folder
// (relative path), its sha256, where it came from, who revised it and when. A case is revised
// once; changed_voxels = 0 marks a mask returned identical to its pseudo label.
export const revisions = sqliteTable(
  'revisions',
  {
    experimentId: integer('experiment_id').notNull(),
    caseId: text('case_id').notNull(),
    round: integer('round').notNull(),
    maskPath: text('mask_path').notNull(),
    sha256: text('sha256').notNull(),
    sourcePath: text('source_path').notNull(),
    annotator: text('annotator').notNull(),
    changedVoxels: integer('changed_voxels').notNull(),
    importedAt: text('imported_at').notNull().$defaultFn(nowIso),
  },
  (t) => [
    primaryKey({ columns: [t.experimentId, t.caseId] }),
    index('revisions_round_idx').on(t.experimentId, t.round),
    foreignKey({
      columns: [t.experimentId, t.caseId],
      foreignColumns: [cases.experimentId, cases.caseId],
    }).onDelete('cascade'),
  ],
);

// A job that `al-run --detach` queued on Slurm as a `sentinel run-step` batch job: the whole
// plan is submitted at once, each job starting once those it needs have succeeded (afterok).
// A later run of the same command follows these ids until they leave the queue; what each job
// did is in `jobs`, recorded by the job itself. Resubmitting a key replaces its row.
export const detachedJobs = sqliteTable(
  'detached_jobs',
  {
    experimentId: integer('experiment_id')
      .notNull()
      .references((): AnySQLiteColumn => experiments.id, { onDelete: 'cascade' }),
    key: text('key').notNull(),
    slurmId: text('slurm_id').notNull(),
    // The Slurm ids it waits for (comma-separated; empty when none).
    dependsOn: text('depends_on').notNull(),
    submittedAt: text('submitted_at').notNull().$defaultFn(nowIso),
  },
  (t) => [primaryKey({ columns: [t.experimentId, t.key] })],
);
