import { BASELINE_METHOD } from '../db/schema.js';
import { type PairedTTest, pairedTTest } from '../metrics/paired-t-test.js';
import { type RunSummary, summarizeRun } from './build-report.js';
import type { RunData } from './load-run.js';
import { type MethodRow, buildMethodTable } from './method-table.js';
import { type RankingRow, rankingQuality } from './ranking-quality.js';
import { describeRunStatus } from './run-status.js';

// One method at one budget in two runs: each run's row, B minus A, and the paired test of B
// against A over the seeds both ran (meaningful when both used the same data and seeds).
export interface ComparedMethod {
  method: string;
  budget: number;
  a: MethodRow | null;
  b: MethodRow | null;
  diffDsc: number | null;
  diffNsd: number | null;
  pairedDsc: PairedTTest | null;
  pairedNsd: PairedTTest | null;
}

// One ranker at one level in both runs.
export interface ComparedRanking {
  method: string;
  level: 'case' | 'organ';
  a: RankingRow | null;
  b: RankingRow | null;
}

// Two runs side by side (two engines, two QS models, ...).
export interface Comparison {
  a: RunSummary;
  b: RunSummary;
  // What differs between the runs' setups, in words.
  differences: string[];
  notes: string[];
  methods: ComparedMethod[];
  ranking: ComparedRanking[];
}

// Compares two runs: the method table joined on (method, budget), ranking quality joined on
// (method, level), and what differs in their setups.
export function compareRuns(runA: RunData, runB: RunData): Comparison {
  const a = summarizeRun(runA);
  const b = summarizeRun(runB);
  const tableA = buildMethodTable(runA);
  const tableB = buildMethodTable(runB);
  const key = (r: { method: string; budget: number }) => `${r.budget}\u0000${r.method}`;
  const rowsA = new Map(tableA.map((r) => [key(r), r]));
  const rowsB = new Map(tableB.map((r) => [key(r), r]));
  const keys = [...tableA.map(key), ...tableB.map(key).filter((k) => !rowsA.has(k))];
  const methods = keys.map((k) => {
    const ra = rowsA.get(k) ?? null;
    const rb = rowsB.get(k) ?? null;
    const row = (ra ?? rb) as MethodRow;
    return {
      method: row.method,
      budget: row.budget,
      a: ra,
      b: rb,
      diffDsc: difference(ra?.dsc.mean, rb?.dsc.mean),
      diffNsd: difference(ra?.nsd.mean, rb?.nsd.mean),
      pairedDsc: ra && rb ? pairedOverSeeds(ra, rb, (r) => r.dsc.values) : null,
      pairedNsd: ra && rb ? pairedOverSeeds(ra, rb, (r) => r.nsd.values) : null,
    };
  });
  methods.sort(
    (x, y) =>
      Number(y.method === BASELINE_METHOD) - Number(x.method === BASELINE_METHOD) ||
      x.budget - y.budget,
  );
  const notes = [
    ...describeRunStatus(runA).notes.map((n) => `A: ${n}`),
    ...describeRunStatus(runB).notes.map((n) => `B: ${n}`),
  ];
  return {
    a,
    b,
    differences: setupDifferences(runA, runB),
    notes,
    methods,
    ranking: joinRanking(runA, runB),
  };
}

function joinRanking(runA: RunData, runB: RunData): ComparedRanking[] {
  const ra = rankingQuality(runA);
  const rb = rankingQuality(runB);
  const listA = ra.available ? ra.rows : [];
  const listB = rb.available ? rb.rows : [];
  const key = (r: RankingRow) => `${r.method}\u0000${r.level}`;
  const mapB = new Map(listB.map((r) => [key(r), r]));
  const mapA = new Map(listA.map((r) => [key(r), r]));
  return [
    ...listA.map((r) => ({ method: r.method, level: r.level, a: r, b: mapB.get(key(r)) ?? null })),
    ...listB
      .filter((r) => !mapA.has(key(r)))
      .map((r) => ({ method: r.method, level: r.level, a: null, b: r })),
  ];
}

function setupDifferences(runA: RunData, runB: RunData): string[] {
  const ea = runA.experiment;
  const eb = runB.experiment;
  const out: string[] = [];
  const engineA = `${ea.engineName} ${ea.engineVersion ?? ''}`.trim();
  const engineB = `${eb.engineName} ${eb.engineVersion ?? ''}`.trim();
  if (ea.kind !== eb.kind) out.push(`kind: ${ea.kind} vs ${eb.kind}`);
  if (engineA !== engineB) out.push(`engine: ${engineA} vs ${engineB}`);
  const models = (h: Record<string, string>) =>
    Object.entries(h)
      .map(([f, v]) => `${f} ${v.slice(0, 12)}`)
      .sort()
      .join(', ') || 'none';
  if (models(ea.modelHashes) !== models(eb.modelHashes))
    out.push(`models: ${models(ea.modelHashes)} vs ${models(eb.modelHashes)}`);
  if (ea.configHash !== eb.configHash)
    out.push(`config: ${ea.configHash.slice(0, 12)} vs ${eb.configHash.slice(0, 12)}`);
  if (ea.codeVersion !== eb.codeVersion)
    out.push(`sentinel: ${ea.codeVersion} vs ${eb.codeVersion}`);
  return out;
}

function difference(a: number | undefined, b: number | undefined): number | null {
  return a === undefined || b === undefined || !Number.isFinite(a) || !Number.isFinite(b)
    ? null
    : b - a;
}

function pairedOverSeeds(
  a: MethodRow,
  b: MethodRow,
  values: (r: MethodRow) => number[],
): PairedTTest | null {
  const bySeed = new Map(b.seeds.map((s, i) => [s, values(b)[i] as number]));
  const xs: number[] = [];
  const ys: number[] = [];
  a.seeds.forEach((s, i) => {
    const va = values(a)[i] as number;
    const vb = bySeed.get(s);
    if (vb === undefined || Number.isNaN(vb) || Number.isNaN(va)) return;
    xs.push(vb);
    ys.push(va);
  });
  return xs.length < 2 ? null : pairedTTest(xs, ys);
}
