import { CASE_LEVEL_ORGAN } from '../db/schema.js';
import type { ScoreRow } from '../db/scores.js';
import { pearson, spearman } from '../metrics/correlation.js';
import { mean, sampleStd } from '../metrics/descriptive.js';
import { meanAveragePrecisionAtK } from '../metrics/map-at-k.js';
import type { RunData } from './load-run.js';
import { orderMethods, plannedRun } from './method-order.js';

// The method whose scores are the true Dice of each pool pseudo label.
export const ORACLE_METHOD = 'oracle';

// How well one ranking of the pool follows the oracle's (src/metrics/map-at-k.ts defines MAP@k;
// all labels of the level form one ranking, as `sentinel score` does).
export interface RankingFigures {
  n: number;
  pearson: number;
  spearman: number;
  map5: number;
  map10: number;
}

// One method at one level: the figures per seed and their mean and std over seeds.
export interface RankingRow {
  method: string;
  level: 'case' | 'organ';
  seeds: number[];
  perSeed: RankingFigures[];
  mean: RankingFigures;
  std: Omit<RankingFigures, 'n'>;
}

export type RankingQuality =
  | { available: true; rows: RankingRow[] }
  | { available: false; note: string };

// Ranking quality of every scoring method against the oracle on the pool, at the case level
// (organ '*') and the organ level (every case-organ label). Needs the oracle's scores in the run.
export function rankingQuality(run: RunData): RankingQuality {
  const oracle = run.scores.filter((s) => s.method === ORACLE_METHOD);
  if (oracle.length === 0) {
    const asked = plannedRun(run).methods.includes(ORACLE_METHOD);
    return {
      available: false,
      note: asked
        ? "ranking quality needs the oracle's scores (the true Dice of the pool labels), and its score job has not finished"
        : 'ranking quality needs the true Dice of the pool labels: run the experiment with the oracle among its methods (e.g. --methods qs,entropy,mc-dropout,random,oracle)',
    };
  }
  const methods = orderMethods(
    run,
    run.scores.map((s) => s.method).filter((m) => m !== ORACLE_METHOD),
  );
  const oracleSeeds = [...new Set(oracle.map((s) => s.seed))].sort((a, b) => a - b);
  const truthFor = (seed: number) => {
    const use = oracleSeeds.includes(seed) ? seed : (oracleSeeds[0] as number);
    return new Map(oracle.filter((s) => s.seed === use).map((s) => [labelKey(s), s.value]));
  };
  const rows: RankingRow[] = [];
  for (const method of methods) {
    const own = run.scores.filter((s) => s.method === method);
    const seeds = [...new Set(own.map((s) => s.seed))].sort((a, b) => a - b);
    for (const level of ['case', 'organ'] as const) {
      const perSeed: RankingFigures[] = [];
      const used: number[] = [];
      for (const seed of seeds) {
        const truth = truthFor(seed);
        const rowsOfLevel = own.filter(
          (s) => s.seed === seed && (s.organ === CASE_LEVEL_ORGAN) === (level === 'case'),
        );
        const figures = rankAgainst(rowsOfLevel, truth);
        if (figures.n === 0) continue;
        perSeed.push(figures);
        used.push(seed);
      }
      if (perSeed.length > 0) rows.push(summarize(method, level, used, perSeed));
    }
  }
  return { available: true, rows };
}

// Figures of one ranking against the truth, over the labels that have both values.
export function rankAgainst(
  rows: readonly ScoreRow[],
  truth: Map<string, number | null>,
): RankingFigures {
  const scores: number[] = [];
  const values: number[] = [];
  for (const row of rows) {
    const t = truth.get(labelKey(row));
    if (row.value === null || t === null || t === undefined) continue;
    scores.push(row.value);
    values.push(t);
  }
  const group = [{ scores, truth: values }];
  return {
    n: scores.length,
    pearson: pearson(scores, values),
    spearman: spearman(scores, values),
    map5: meanAveragePrecisionAtK(group, 5),
    map10: meanAveragePrecisionAtK(group, 10),
  };
}

function summarize(
  method: string,
  level: 'case' | 'organ',
  seeds: number[],
  perSeed: RankingFigures[],
): RankingRow {
  const over = (pick: (f: RankingFigures) => number) =>
    perSeed.map(pick).filter((v) => !Number.isNaN(v));
  const stat = (f: (values: number[]) => number) => ({
    pearson: f(over((x) => x.pearson)),
    spearman: f(over((x) => x.spearman)),
    map5: f(over((x) => x.map5)),
    map10: f(over((x) => x.map10)),
  });
  return {
    method,
    level,
    seeds,
    perSeed,
    mean: { n: Math.round(mean(perSeed.map((f) => f.n))), ...stat(mean) },
    std: stat(sampleStd),
  };
}

function labelKey(row: { caseId: string; organ: string }): string {
  return `${row.caseId}\u0000${row.organ}`;
}
