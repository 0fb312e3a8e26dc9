import { CASE_LEVEL_ORGAN } from '../db/schema.js';
import type { ScoreRow } from '../db/scores.js';
import type { RunData } from './load-run.js';
import { orderMethods, plannedRun } from './method-order.js';
import { ORACLE_METHOD } from './ranking-quality.js';

// The method whose organ scores say which organs of a case are worst (when the run has them).
export const QS_METHOD = 'qs';

// How many of a case's organs the worklist names, worst first.
const ORGANS_SHOWN = 3;

// One organ of a worklist case: its score by the ranking method and, where known, true Dice.
export interface WorklistOrgan {
  organ: string;
  score: number;
  trueDice: number | null;
  // The slice where the organ's score is worst, as recorded; null when the scorer did not say.
  worstSlice: number | null;
}

// One case the run's selection picked (AL: sent to revision; SSL: kept for self-training).
export interface WorklistEntry {
  rank: number;
  caseId: string;
  // The methods whose selection picked the case, with the case's rank in each.
  pickedBy: { method: string; rank: number }[];
  // The case's score by the ranking method and its true Dice (the oracle's), where known.
  score: number | null;
  trueDice: number | null;
  // Its worst organs by the ranking method (at most ORGANS_SHOWN).
  organs: WorklistOrgan[];
  // The seed whose selections and pseudo labels these are.
  seed: number;
}

export type Worklist =
  | {
      available: true;
      seed: number;
      budget: number;
      // The method whose scores order the cases and their organs (null: none has organ scores).
      rankedBy: string | null;
      entries: WorklistEntry[];
    }
  | { available: false; note: string };

// The cases the run's selections picked at the largest budget (top K) for the first seed: each
// method's first `perMethod` picks, one entry per case, worst first by the ranking method.
export function buildWorklist(run: RunData, perMethod: number): Worklist {
  if (run.selections.length === 0) return { available: false, note: noSelectionNote(run) };
  const seed = Math.min(...run.selections.map((s) => s.seed));
  const atSeed = run.selections.filter((s) => s.seed === seed);
  const budget = Math.max(...atSeed.map((s) => s.budget));
  const picks = new Map<string, { method: string; rank: number }[]>();
  const methods = orderMethods(
    run,
    atSeed.map((s) => s.method),
  );
  for (const method of methods) {
    const chosen = atSeed
      .filter((s) => s.method === method && s.budget === budget)
      .sort((a, b) => a.rank - b.rank)
      .slice(0, perMethod);
    for (const s of chosen)
      picks.set(s.caseId, [...(picks.get(s.caseId) ?? []), { method, rank: s.rank }]);
  }
  const rankedBy = rankingMethod(run, methods);
  const ranking = scoresOf(run, rankedBy, seed);
  const truth = scoresOf(run, ORACLE_METHOD, seed);
  const entries = [...picks].map(([caseId, pickedBy]) => ({
    rank: 0,
    caseId,
    pickedBy,
    score: ranking.get(key(caseId, CASE_LEVEL_ORGAN))?.value ?? null,
    trueDice: truth.get(key(caseId, CASE_LEVEL_ORGAN))?.value ?? null,
    organs: worstOrgans(caseId, ranking, truth),
    seed,
  }));
  entries.sort(
    (a, b) =>
      (a.score ?? Number.POSITIVE_INFINITY) - (b.score ?? Number.POSITIVE_INFINITY) ||
      a.caseId.localeCompare(b.caseId),
  );
  entries.forEach((e, i) => {
    e.rank = i + 1;
  });
  return { available: true, seed, budget, rankedBy, entries };
}

function noSelectionNote(run: RunData): string {
  const picking = run.experiment.kind === 'al' ? 'sent to revision' : 'kept for self-training';
  return plannedRun(run).methods.length > 0
    ? `no selection recorded yet: no method's cases ${picking} are known until its score job has finished`
    : 'this run recorded no selection';
}

// QS when it scored organs, else the first method (report order, the oracle last) that did.
function rankingMethod(run: RunData, methods: readonly string[]): string | null {
  const withOrgans = new Set(
    run.scores.filter((s) => s.organ !== CASE_LEVEL_ORGAN && s.value !== null).map((s) => s.method),
  );
  if (withOrgans.has(QS_METHOD)) return QS_METHOD;
  const ordered = orderMethods(run, [...methods, ...withOrgans]);
  return ordered.find((m) => withOrgans.has(m)) ?? null;
}

type Scored = ScoreRow & { value: number };

// A method's scores keyed by case and organ, at `seed` when it scored under it, else its first.
function scoresOf(run: RunData, method: string | null, seed: number): Map<string, Scored> {
  const rows = run.scores.filter((s): s is Scored => s.method === method && s.value !== null);
  if (rows.length === 0) return new Map();
  const seeds = rows.map((s) => s.seed);
  const at = seeds.includes(seed) ? seed : Math.min(...seeds);
  return new Map(rows.filter((s) => s.seed === at).map((s) => [key(s.caseId, s.organ), s]));
}

function worstOrgans(
  caseId: string,
  ranking: Map<string, Scored>,
  truth: Map<string, Scored>,
): WorklistOrgan[] {
  return [...ranking.values()]
    .filter((s) => s.caseId === caseId && s.organ !== CASE_LEVEL_ORGAN)
    .sort((a, b) => a.value - b.value || a.organ.localeCompare(b.organ))
    .slice(0, ORGANS_SHOWN)
    .map((s) => ({
      organ: s.organ,
      score: s.value,
      trueDice: truth.get(key(caseId, s.organ))?.value ?? null,
      worstSlice: s.worstSlice,
    }));
}

function key(caseId: string, organ: string): string {
  return `${caseId}\u0000${organ}`;
}
