import { join } from 'node:path';

// The deterministic key of every job of an experiment. A key names the work and its inputs, so
// a resumed run finds what is done by key; it names the job's row in the run's database and its
// folder in the run folder. `m0` is "m0", or "m0-seed=S" when M0 is repeated.

export const jobKeys = {
  trainM0: (m0: string) => `train/${m0}`,
  predictPool: (m0: string) => `predict/pool/${m0}`,
  predictPoolProbabilities: (m0: string) => `predict/pool-probabilities/${m0}`,
  predictPoolMc: (m0: string, seed: number) => `predict/pool-mc/${m0}/seed=${seed}`,
  predictTestM0: (m0: string) => `predict/test/${m0}`,
  evaluateBaseline: (m0: string) => `evaluate/baseline/${m0}`,
  score: (method: string, m0: string, seed: number | null) =>
    `score/${method}/${m0}${seed === null ? '' : `/seed=${seed}`}`,
  finetune: (method: string, seed: number, budget: number) =>
    `finetune/${method}/seed=${seed}/budget=${budget}`,
  predictTest: (method: string, seed: number, budget: number) =>
    `predict/test/${method}/seed=${seed}/budget=${budget}`,
  evaluate: (method: string, seed: number, budget: number) =>
    `evaluate/${method}/seed=${seed}/budget=${budget}`,
  // A later round's own pool prediction (by the previous round's model) and scores.
  predictPoolAfter: (method: string, seed: number, budget: number) =>
    `predict/pool/${method}/seed=${seed}/budget=${budget}`,
  scoreAfter: (method: string, seed: number, budget: number) =>
    `score/${method}/seed=${seed}/budget=${budget}`,
  // The selection of a method, seed and budget (no job: it names a step in messages).
  select: (method: string, seed: number, budget: number) =>
    `select/${method}/seed=${seed}/budget=${budget}`,
};

// A job's key in an active-learning round: round 1's keys are the single-round keys, so runs
// recorded before rounds existed resume; a later round appends "/round=R".
export function inRound(key: string, round: number): string {
  return round === 1 ? key : `${key}/round=${round}`;
}

// The M0 a seed uses: one shared model, or one per seed when the config repeats M0.
export function m0Tag(repeatM0: boolean, seed: number): string {
  return repeatM0 ? `m0-seed=${seed}` : 'm0';
}

// Where a job's folder is, from its key ("score/qs" -> jobs/score__qs).
export function jobDir(runDir: string, key: string): string {
  return join(runDir, 'jobs', key.replaceAll('/', '__').replaceAll('=', '-'));
}
