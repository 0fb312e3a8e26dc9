// The demo's AL/SSL mechanism, measured in one process: the reference engine's own feature,
// sampling, training and prediction code on a demo dataset, with each case's features computed
// once and kept in memory, so that a design (phantoms, engine settings, schedule) is measured in
// minutes instead of a full al-run. Arms: M0, the labeled-only control, oracle and random AL,
// oracle and random SSL; mean test Dice per seed and per group, paired t-tests.
//
//   node dist/bench/demo-science.js --data DIR [--source DIR] [--seeds 3] [--budget 20]
//     [--params JSON] [--m0 JSON] [--finetune JSON] [--init-params JSON] [--from m0|init]

import { parseArgs } from 'node:util';
import tCdf from '@stdlib/stats-base-dists-t-cdf';
import type { Checkpoint } from '../engines/reference/checkpoint.js';
import { classOrder } from '../engines/reference/class-map.js';
import {
  type FeatureColumns,
  type FeatureConfig,
  computeFeatures,
  featureCount,
} from '../engines/reference/features.js';
import { keepLargestComponents } from '../engines/reference/largest-component.js';
import { openHiddenNetwork } from '../engines/reference/mlp-onnx.js';
import { emptyRegion, extendRegion, unionRegion } from '../engines/reference/organ-region.js';
import { EngineParams } from '../engines/reference/params.js';
import { createRng } from '../engines/reference/prng.js';
import { prepareFeatures } from '../engines/reference/segment-image.js';
import { fitModel } from '../engines/reference/train.js';
import { readImage } from '../engines/reference/volume-io.js';
import {
  type SampleSet,
  createSampleSet,
  sampleCase,
} from '../engines/reference/voxel-sampling.js';
import { type DemoCase, loadDemoDataset } from '../src/phantom/index.js';
import { readLabelMap } from '../src/volume/index.js';

const { values: opts } = parseArgs({
  options: {
    data: { type: 'string' },
    source: { type: 'string' },
    seeds: { type: 'string', default: '3' },
    budget: { type: 'string', default: '20' },
    params: { type: 'string', default: '{}' },
    m0: { type: 'string', default: '{"steps":1500}' },
    finetune: { type: 'string', default: '{"steps":400}' },
    'init-params': { type: 'string', default: '{"steps":3000}' },
    from: { type: 'string', default: 'm0' },
    replay: { type: 'string', default: '0' },
    arms: { type: 'string', default: 'control,oracle-al,random-al,oracle-ssl,random-ssl' },
  },
});

interface Cached {
  id: string;
  group: string;
  features: FeatureColumns;
  classOf: Uint8Array;
  labels: Uint8Array;
  dims: [number, number, number];
}

const base = EngineParams.parse(JSON.parse(opts.params!));
const dataset = await loadDemoDataset(opts.data!);
const order = classOrder(dataset.classes);
const featureConfig: FeatureConfig = {
  wideWindow: [-1000, 1500],
  softWindow: [-200, 300],
  bodyThreshold: -500,
  scalesMm: base.scalesMm,
  contextScalesMm: base.contextScalesMm,
};
const cache = new Map<string, Cached>();

async function load(c: DemoCase): Promise<Cached> {
  const hit = cache.get(c.id);
  if (hit) return hit;
  const image = await readImage(c.image);
  const labels = (await readLabelMap(c.label)).data as Uint8Array;
  const classOf = new Uint8Array(labels.length);
  for (let v = 0; v < labels.length; v++) classOf[v] = order.classOfLabel[labels[v]!] ?? 0;
  const entry: Cached = {
    id: c.id,
    group: c.group,
    features: computeFeatures(image.data, image.geometry, featureConfig),
    classOf,
    labels,
    dims: image.geometry.dims,
  };
  cache.set(c.id, entry);
  return entry;
}

type Model = Pick<Checkpoint, 'model' | 'region' | 'priors' | 'labels' | 'training'>;

// Trains like engines/reference/train.ts (its sampling and fitModel): from `init` or from
// scratch; each case's classes per voxel are its truth or a pseudo label.
function train(
  cases: { entry: Cached; classOf: Uint8Array }[],
  params: EngineParams,
  seed: number,
  init?: Model,
  replay?: SampleSet,
): Model {
  const rng = createRng(seed);
  const classes = order.labels.length + 1;
  const extra = replay?.rows ?? 0;
  const set = createSampleSet(
    featureCount(featureConfig),
    classes,
    cases.length * params.samplesPerCase + extra,
  );
  if (replay) {
    set.inputs.set(replay.inputs.subarray(0, extra * replay.features));
    set.targets.set(replay.targets.subarray(0, extra));
    set.rows = extra;
    for (let c = 0; c < classes; c++) {
      set.dataCounts[c] = replay.dataCounts[c]!;
      set.sampleCounts[c] = replay.sampleCounts[c]!;
    }
  }
  const region = emptyRegion();
  for (const { entry, classOf } of cases) {
    sampleCase(set, entry.features, classOf, params.samplesPerCase, rng);
    extendRegion(region, entry.features, classOf);
  }
  const freq = (counts: Float64Array) => {
    const total = counts.reduce((a, b) => a + b, 0) || 1;
    return Array.from(counts, (x) => x / total);
  };
  const fitted = fitModel(set, params, init, rng);
  return {
    model: fitted.model,
    region: init ? unionRegion(init.region, region) : region,
    priors: { data: freq(set.dataCounts), sampling: freq(set.sampleCounts) },
    labels: order.labels,
    training: fitted.stats,
  };
}

// The class index per voxel of the model's mask for one case (largest components kept).
async function predict(model: Model, entry: Cached): Promise<Uint8Array> {
  const hiddenNetwork =
    model.model.kind === 'mlp' ? await openHiddenNetwork(model.model.mlp, 1) : undefined;
  const prepared = await prepareFeatures(model, entry.features, {
    priorCorrection: base.priorCorrection,
    forestSampleFraction: base.forestSampleFraction,
    hiddenNetwork,
  });
  const probs = prepared.sample();
  return argmaxMask(probs.rows, prepared.inside, entry);
}

function argmaxMask(probs: Float32Array, inside: Int32Array, entry: Cached): Uint8Array {
  const classes = order.labels.length + 1;
  const mask = new Uint8Array(entry.classOf.length);
  for (let r = 0; r < inside.length; r++) {
    let best = 0;
    for (let c = 1; c < classes; c++)
      if (probs[r * classes + c]! > probs[r * classes + best]!) best = c;
    mask[inside[r]!] = best;
  }
  keepLargestComponents(mask, entry.dims);
  return mask;
}

// Mean Dice over the organs (an organ absent from both counts as 1).
function caseDice(mask: Uint8Array, truth: Uint8Array): number {
  const d = organDice(mask, truth);
  return mean(d);
}

function organDice(mask: Uint8Array, truth: Uint8Array): number[] {
  const classes = order.labels.length + 1;
  const inter = new Float64Array(classes);
  const a = new Float64Array(classes);
  const b = new Float64Array(classes);
  for (let v = 0; v < mask.length; v++) {
    a[mask[v]!]!++;
    b[truth[v]!]!++;
    if (mask[v] === truth[v]) inter[mask[v]!]!++;
  }
  const out: number[] = [];
  for (let c = 1; c < classes; c++)
    out.push(a[c]! + b[c]! === 0 ? 1 : (2 * inter[c]!) / (a[c]! + b[c]!));
  return out;
}

function mean(xs: number[]): number {
  return xs.reduce((s, x) => s + x, 0) / xs.length;
}
const sd = (xs: number[]) =>
  Math.sqrt(xs.reduce((s, x) => s + (x - mean(xs)) ** 2, 0) / Math.max(1, xs.length - 1));

const t0 = Date.now();
const labeled = await Promise.all(dataset.labeled.map(load));
const pool = await Promise.all(dataset.pool.map(load));
const test = await Promise.all(dataset.test.map(load));
const groups = [...new Set(test.map((c) => c.group))];
console.log(`features of ${cache.size} cases in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
const withTruth = (cs: Cached[]) => cs.map((entry) => ({ entry, classOf: entry.classOf }));

let init: Model | undefined;
let replaySet: SampleSet | undefined;
const replayPerCase = Number(opts.replay);
if (opts.source) {
  const source = await loadDemoDataset(opts.source);
  const cases = [];
  if (replayPerCase > 0)
    replaySet = createSampleSet(
      featureCount(featureConfig),
      order.labels.length + 1,
      source.labeled.length * replayPerCase,
    );
  const replayRng = createRng(2000);
  for (const c of source.labeled) {
    const entry = await load(c);
    cases.push({ entry, classOf: entry.classOf });
    if (replaySet) sampleCase(replaySet, entry.features, entry.classOf, replayPerCase, replayRng);
    cache.delete(c.id);
  }
  init = train(cases, EngineParams.parse({ ...base, ...JSON.parse(opts['init-params']!) }), 1000);
  console.log(
    `init trained on ${cases.length} source cases (${((Date.now() - t0) / 1000).toFixed(0)} s)`,
  );
}
let tick = Date.now();
const m0 = train(
  withTruth(labeled),
  EngineParams.parse({ ...base, ...JSON.parse(opts.m0!) }),
  0,
  replaySet ? undefined : init,
  replaySet,
);
console.log(`M0 trained in ${Date.now() - tick} ms`);
tick = Date.now();
const ftParams = EngineParams.parse({ ...base, ...JSON.parse(opts.finetune!) });
const ftFrom = opts.from === 'init' ? init : m0;

const organTables = new Map<string, Map<string, number[][]>>();
async function evaluate(
  model: Model,
  arm = '',
): Promise<{ mean: number; byGroup: Map<string, number>; perCase: number[] }> {
  const perOrgan: number[][] = [];
  for (const c of test) perOrgan.push(organDice(await predict(model, c), c.classOf));
  const table = organTables.get(arm) ?? new Map<string, number[][]>();
  perOrgan.forEach((d, i) => table.set(test[i]!.group, [...(table.get(test[i]!.group) ?? []), d]));
  organTables.set(arm, table);
  const perCase = perOrgan.map(mean);
  const byGroup = new Map(
    groups.map((g) => [g, mean(perCase.filter((_, i) => test[i]!.group === g))]),
  );
  return { mean: mean(perCase), byGroup, perCase };
}
const pseudo: Uint8Array[] = [];
for (const c of pool) pseudo.push(await predict(m0, c));
console.log(`pool predicted in ${Date.now() - tick} ms`);
const truePoolDice = pool.map((c, i) => caseDice(pseudo[i]!, c.classOf));
const results = new Map<string, number[]>();
const groupResults = new Map<string, Map<string, number[]>>();
const record = (arm: string, r: Awaited<ReturnType<typeof evaluate>>) => {
  results.set(arm, [...(results.get(arm) ?? []), r.mean]);
  const g = groupResults.get(arm) ?? new Map<string, number[]>();
  for (const [k, v] of r.byGroup) g.set(k, [...(g.get(k) ?? []), v]);
  groupResults.set(arm, g);
};
if (init) record('init', await evaluate(init));
record('M0', await evaluate(m0, 'M0'));
const budget = Number(opts.budget);
const ranked = pool.map((_, i) => i).sort((a, b) => truePoolDice[a]! - truePoolDice[b]!);
const describe = (idx: number[]) => {
  const counts = new Map<string, number>();
  for (const i of idx) counts.set(pool[i]!.group, (counts.get(pool[i]!.group) ?? 0) + 1);
  return [...counts].map(([g, n]) => `${g}:${n}`).join(' ');
};
console.log(`oracle worst ${budget}: ${describe(ranked.slice(0, budget))}`);
console.log(`oracle best ${budget}: ${describe(ranked.slice(-budget))}`);
const arms = opts.arms!.split(',');
for (let seed = 0; seed < Number(opts.seeds); seed++) {
  const rng = createRng(seed, 77);
  const shuffled = pool.map((_, i) => i);
  for (let i = shuffled.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [shuffled[i], shuffled[j]] = [shuffled[j]!, shuffled[i]!];
  }
  const randomPick = shuffled.slice(0, budget);
  const perGroup = (skip: string[]) => {
    const taken = new Map<string, number>();
    const out: number[] = [];
    for (const i of ranked) {
      const g = pool[i]!.group;
      if (skip.includes(g) || (taken.get(g) ?? 0) >= Math.ceil(budget / 5)) continue;
      taken.set(g, (taken.get(g) ?? 0) + 1);
      out.push(i);
    }
    return out.slice(0, budget);
  };
  const picks: Record<string, { idx: number[]; truth: boolean }> = {
    'groups-al': { idx: perGroup(['portal-venous', 'low-dose']), truth: true },
    'typical-al': {
      idx: ranked.filter((i) => pool[i]!.group === 'portal-venous').slice(0, budget),
      truth: true,
    },
    control: { idx: [], truth: true },
    'oracle-al': { idx: ranked.slice(0, budget), truth: true },
    'random-al': { idx: randomPick, truth: true },
    'oracle-ssl': { idx: ranked.slice(-budget), truth: false },
    'random-ssl': { idx: randomPick, truth: false },
  };
  for (const arm of arms) {
    const pick = picks[arm]!;
    const added = pick.idx.map((i) => ({
      entry: pool[i]!,
      classOf: pick.truth ? pool[i]!.classOf : pseudo[i]!,
    }));
    const model = train(
      [...withTruth(labeled), ...added],
      ftParams,
      seed + 1,
      replaySet ? undefined : ftFrom,
      replaySet,
    );
    record(arm, await evaluate(model, arm));
  }
  console.log(`seed ${seed} done (${((Date.now() - t0) / 1000).toFixed(0)} s)`);
}

console.log(['arm', 'Dice', ...groups.map((g) => g.slice(0, 9))].join('\t'));
for (const [arm, values] of results) {
  const g = groupResults.get(arm)!;
  console.log(
    [
      arm,
      `${mean(values).toFixed(4)}±${sd(values).toFixed(4)}`,
      ...groups.map((k) => mean(g.get(k)!).toFixed(3)),
    ].join('\t'),
  );
}
const paired = (a: string, b: string) => {
  const x = results.get(a);
  const y = results.get(b);
  if (!x || !y || x.length < 2 || x.length !== y.length) return;
  const d = x.map((v, i) => v - y[i]!);
  const t = mean(d) / (sd(d) / Math.sqrt(d.length));
  const p = 2 * (1 - tCdf(Math.abs(t), d.length - 1));
  console.log(`${a} - ${b}: ${mean(d).toFixed(4)} (t ${t.toFixed(2)}, p ${p.toFixed(4)})`);
};
for (const [a, b] of [
  ['oracle-al', 'random-al'],
  ['oracle-al', 'control'],
  ['random-al', 'control'],
  ['oracle-ssl', 'control'],
  ['random-ssl', 'control'],
  ['oracle-ssl', 'random-ssl'],
])
  paired(a!, b!);
if (process.env.ORGANS) {
  const names = order.names.map((n) => n.slice(0, 7));
  for (const [arm, table] of organTables) {
    console.log(`\n${arm}\t${names.join('\t')}`);
    for (const [g, rows] of table) {
      console.log(
        [g.slice(0, 9), ...names.map((_, o) => mean(rows.map((r) => r[o]!)).toFixed(2))].join('\t'),
      );
    }
  }
}
