import { BASELINE_METHOD, CONTROL_METHOD } from '../db/schema.js';
import { mean, sampleStd } from '../metrics/descriptive.js';
import { type PairedTTest, pairedTTest } from '../metrics/paired-t-test.js';
import type { RunData } from './load-run.js';
import {
  type CostFigures,
  baselineCost,
  fineTuneCost,
  qualityEstimationCost,
} from './method-costs.js';
import { orderMethods } from './method-order.js';
import { type SeedMean, seedMeans } from './seed-means.js';

// The random baseline every method is tested against.
export const RANDOM_METHOD = 'random';

// Mean +- sample std over seeds of one quantity, with the per-seed values (seed order).
export interface OverSeeds {
  mean: number;
  std: number;
  values: number[];
}

// One row of the method table (the paper's Table 3): one method at one budget, or M0.
export interface MethodRow {
  method: string;
  budget: number;
  isBaseline: boolean;
  // The labeled-only control: fine-tuned, but nothing selected (so no quality estimation).
  isControl: boolean;
  // Cases with human labels in training; cases the method picked (AL: revised, SSL: pseudo
  // labels kept); pool cases not used.
  labeled: number;
  selected: number;
  unlabeled: number;
  seeds: number[];
  dsc: OverSeeds;
  nsd: OverSeeds;
  // Mean over seeds minus M0's mean; null without M0 rows (or for M0 itself).
  gainDsc: number | null;
  gainNsd: number | null;
  // Paired over the seeds both ran with: this method minus random, same budget.
  vsRandomDsc: PairedTTest | null;
  vsRandomNsd: PairedTTest | null;
  // Paired over seeds: this method minus the labeled-only control (fine-tuned on the labeled set
  // alone, same schedule), whose gain is the part no selection can claim.
  vsControlDsc: PairedTTest | null;
  vsControlNsd: PairedTTest | null;
  qeCost: CostFigures | null;
  // Training, test prediction and evaluation per repeat (for M0: M0's own).
  fineTuneCost: CostFigures | null;
}

// Builds the method table from a run's metrics and jobs: M0 first, then per budget (ascending)
// each method in the config's order.
export function buildMethodTable(run: RunData): MethodRow[] {
  const perSeed = seedMeans(run.metrics);
  const labeledCount = run.cases.filter((c) => c.role === 'labeled').length;
  const poolCount = run.cases.filter((c) => c.role === 'pool').length;
  const kind = run.experiment.kind;
  const groups = groupBy(perSeed, (s) => `${s.budget}\u0000${s.method}`);
  const baseline = [...groups.values()].find((g) => g[0]?.method === BASELINE_METHOD);
  const randomAt = (budget: number) => groups.get(`${budget}\u0000${RANDOM_METHOD}`);
  const control = [...groups.values()].find((g) => g[0]?.method === CONTROL_METHOD);
  const order = orderMethods(run, [...new Set(perSeed.map((s) => s.method))]);
  const keys = [...groups.keys()].sort((a, b) => {
    const [ga, gb] = [groups.get(a)?.[0] as SeedMean, groups.get(b)?.[0] as SeedMean];
    const base = Number(gb.method === BASELINE_METHOD) - Number(ga.method === BASELINE_METHOD);
    return base || ga.budget - gb.budget || order.indexOf(ga.method) - order.indexOf(gb.method);
  });
  return keys.map((key) => {
    const group = groups.get(key) as SeedMean[];
    const { method, budget } = group[0] as SeedMean;
    const isBaseline = method === BASELINE_METHOD;
    const selected = isBaseline ? 0 : budget;
    const dsc = overSeeds(group.map((s) => s.dsc));
    const nsd = overSeeds(group.map((s) => s.nsd));
    const random = method === RANDOM_METHOD || isBaseline ? undefined : randomAt(budget);
    const against = isBaseline || method === CONTROL_METHOD ? undefined : control;
    return {
      method,
      budget,
      isBaseline,
      isControl: method === CONTROL_METHOD,
      labeled: labeledCount + (kind === 'al' ? selected : 0),
      selected,
      unlabeled: Math.max(0, poolCount - selected),
      seeds: group.map((s) => s.seed),
      dsc,
      nsd,
      gainDsc: gain(dsc, baseline, isBaseline, (s) => s.dsc),
      gainNsd: gain(nsd, baseline, isBaseline, (s) => s.nsd),
      vsRandomDsc: random ? pairedBySeed(group, random, (s) => s.dsc) : null,
      vsRandomNsd: random ? pairedBySeed(group, random, (s) => s.nsd) : null,
      vsControlDsc: against ? pairedBySeed(group, against, (s) => s.dsc) : null,
      vsControlNsd: against ? pairedBySeed(group, against, (s) => s.nsd) : null,
      qeCost:
        isBaseline || method === CONTROL_METHOD ? null : qualityEstimationCost(run.jobs, method),
      fineTuneCost: isBaseline ? baselineCost(run.jobs) : fineTuneCost(run.jobs, method, budget),
    };
  });
}

function overSeeds(values: number[]): OverSeeds {
  const finite = values.filter((v) => !Number.isNaN(v));
  return { mean: mean(finite), std: sampleStd(finite), values };
}

function gain(
  own: OverSeeds,
  baseline: SeedMean[] | undefined,
  isBaseline: boolean,
  value: (s: SeedMean) => number,
): number | null {
  if (isBaseline || baseline === undefined) return null;
  const m0 = mean(baseline.map(value).filter((v) => !Number.isNaN(v)));
  return Number.isNaN(m0) || Number.isNaN(own.mean) ? null : own.mean - m0;
}

// The paired t-test over the seeds both groups have (a NaN on either side drops the seed);
// null with fewer than 2 pairs.
function pairedBySeed(
  group: SeedMean[],
  other: SeedMean[],
  value: (s: SeedMean) => number,
): PairedTTest | null {
  const bySeed = new Map(other.map((s) => [s.seed, value(s)]));
  const a: number[] = [];
  const b: number[] = [];
  for (const s of group) {
    const other = bySeed.get(s.seed);
    if (other === undefined || Number.isNaN(other) || Number.isNaN(value(s))) continue;
    a.push(value(s));
    b.push(other);
  }
  return a.length < 2 ? null : pairedTTest(a, b);
}

function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const group = groups.get(k);
    if (group) group.push(item);
    else groups.set(k, [item]);
  }
  return groups;
}
