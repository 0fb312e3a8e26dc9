// The reference engine's acceptance figures on demo phantoms (64x64x40): mean test Dice when
// trained on 20 vs 40 labeled cases, the spread of pool Dice for the 20-case model (selection
// only matters when some pool cases are clearly worse than others), test Dice against training
// steps, fine-tuning from the 20-case model, and each job's measured cost. Every engine call
// goes through the real contract (runEngine: subprocess, response and output checks, meter).
// These are the figures of the engine's network (model: mlp), whose quality depends on steps;
// the demo's default forest is measured by bench/demo-science.ts and the demo runs
// (docs/demo-science.md).
//
//   node dist/bench/reference-engine.js [--out .bench/reference-engine] [--seed 0]
//
// The dataset (40 labeled, 100 pool, 20 test) is made on first use and reused after.

import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { PredictOutput } from '../src/engine/contract.js';
import { EngineConfig } from '../src/engine/engine-config.js';
import { type EngineRunResult, runEngine } from '../src/engine/run-engine.js';
import type { JobCost } from '../src/executor/cost-meter.js';
import { dicePerLabel } from '../src/metrics/dice.js';
import { packageRoot } from '../src/package-root.js';
import { type DemoCase, makeDemoDataset } from '../src/phantom/index.js';
import type { ClassMap } from '../src/volume/class-map.js';
import { readLabelMap } from '../src/volume/index.js';

const { values: opts } = parseArgs({
  options: {
    out: { type: 'string', default: '.bench/reference-engine' },
    seed: { type: 'string', default: '0' },
  },
});
const out = resolve(opts.out!);
const seed = Number(opts.seed);

const engine = EngineConfig.parse({
  name: 'reference',
  command: [
    process.execPath,
    join(packageRoot, 'dist/engines/reference/main.js'),
    '{action}',
    '--request',
    '{request}',
  ],
});
const costs: { job: string; cost: JobCost }[] = [];

function unwrap<R>(job: string, result: EngineRunResult<R>): R {
  if (!result.ok) throw new Error(`${job} failed: ${result.message}\n${result.logTail}`);
  costs.push({ job, cost: result.cost });
  return result.response;
}

async function train(
  name: string,
  cases: DemoCase[],
  classes: ClassMap,
  params: Record<string, unknown> = {},
  init: string | null = null,
): Promise<string> {
  const checkpoint = join(out, 'models', `${name}.json`);
  const task = {
    action: 'train' as const,
    init,
    cases: cases.map(({ id, image, label }) => ({ id, image, label })),
    classes,
    seed,
    checkpoint,
    params: { model: 'mlp', ...params },
  };
  unwrap(
    `train ${name}`,
    await runEngine(engine, task, { jobDir: join(out, 'jobs', `train-${name}`) }),
  );
  return checkpoint;
}

async function predict(
  name: string,
  checkpoint: string,
  cases: DemoCase[],
  classes: ClassMap,
): Promise<PredictOutput[]> {
  const task = {
    action: 'predict' as const,
    checkpoint,
    cases: cases.map(({ id, image }) => ({ id, image })),
    classes,
    seed,
    outputDir: join(out, 'predictions', name),
    save: { probabilities: false, mcSamples: 0 },
  };
  return unwrap(
    `predict ${name}`,
    await runEngine(engine, task, { jobDir: join(out, 'jobs', `predict-${name}`) }),
  ).outputs;
}

// Per case: the mean Dice over the organs (an organ absent from both masks is left out);
// per organ: the mean over cases.
async function evaluate(outputs: PredictOutput[], cases: DemoCase[], labels: number[]) {
  const perCase: number[] = [];
  const perOrgan = labels.map(() => [] as number[]);
  for (const [i, output] of outputs.entries()) {
    const pred = (await readLabelMap(output.mask)).data;
    const truth = (await readLabelMap(cases[i]!.label)).data;
    const dice = dicePerLabel(pred, truth, labels);
    const values = labels.map((label) => dice.get(label)!);
    values.forEach((d, k) => Number.isNaN(d) || perOrgan[k]!.push(d));
    perCase.push(mean(values.filter((d) => !Number.isNaN(d))));
  }
  return { perCase, mean: mean(perCase), perOrgan: perOrgan.map(mean) };
}

function mean(values: number[]): number {
  return values.reduce((a, b) => a + b, 0) / values.length;
}

function quantile(sorted: number[], q: number): number {
  const at = (sorted.length - 1) * q;
  const lo = Math.floor(at);
  return sorted[lo]! + (sorted[Math.min(lo + 1, sorted.length - 1)]! - sorted[lo]!) * (at - lo);
}

const f3 = (x: number) => x.toFixed(3);

const started = performance.now();
const dataset = await makeDemoDataset({
  out: join(out, 'data'),
  labeled: 40,
  pool: 100,
  test: 20,
  seed,
  size: [64, 64, 40],
});
const { classes, labeled, pool, test } = dataset;
const labels = Object.keys(classes)
  .map(Number)
  .sort((a, b) => a - b);
const names = labels.map((label) => classes[String(label)]!);
console.log(
  `demo data: ${labeled.length} labeled, ${pool.length} pool, ${test.length} test, ${dataset.size.join('x')} (seed ${seed}; ${dataset.reused ? 'reused' : 'made'})`,
);

const m20 = await train('labeled20', labeled.slice(0, 20), classes);
const m40 = await train('labeled40', labeled, classes);
const test20 = await evaluate(await predict('test-m20', m20, test, classes), test, labels);
const test40 = await evaluate(await predict('test-m40', m40, test, classes), test, labels);
const pool20 = await evaluate(await predict('pool-m20', m20, pool, classes), pool, labels);

console.log('\nmean test Dice (20 test cases, 9 organs), default params:');
console.log(`  trained on 20 labeled: ${f3(test20.mean)}`);
console.log(
  `  trained on 40 labeled: ${f3(test40.mean)}  (${test40.mean > test20.mean ? 'higher' : 'NOT higher'})`,
);
console.log('  per organ (20 / 40):');
names.forEach((name, k) =>
  console.log(`    ${name.padEnd(20)} ${f3(test20.perOrgan[k]!)} / ${f3(test40.perOrgan[k]!)}`),
);

const sorted = [...pool20.perCase].sort((a, b) => a - b);
const below = sorted.filter((d) => d < 0.7).length;
console.log('\npool Dice per case (100 cases, model trained on 20 labeled):');
console.log(
  `  min ${f3(sorted[0]!)}  q10 ${f3(quantile(sorted, 0.1))}  median ${f3(quantile(sorted, 0.5))}  q90 ${f3(quantile(sorted, 0.9))}  max ${f3(sorted.at(-1)!)}`,
);
console.log(`  below 0.7: ${below}, at or above 0.7: ${sorted.length - below}`);

console.log('\ntest Dice against training steps (20 labeled):');
const bySteps = new Map<number, string>();
for (const steps of [100, 300, 1500]) {
  const model = await train(`labeled20-steps${steps}`, labeled.slice(0, 20), classes, { steps });
  bySteps.set(steps, model);
  const result = await evaluate(
    await predict(`test-steps${steps}`, model, test, classes),
    test,
    labels,
  );
  console.log(`  ${String(steps).padStart(5)} steps: ${f3(result.mean)}`);
}
console.log(`   3000 steps: ${f3(test20.mean)} (default)`);

// The demo config's schedule: M0 = 1500 steps on 20 labeled, then 400 fine-tuning steps.
const tuned = await train(
  'finetune-m0-on-40',
  labeled,
  classes,
  { steps: 400 },
  bySteps.get(1500)!,
);
const tunedTest = await evaluate(
  await predict('test-finetuned', tuned, test, classes),
  test,
  labels,
);
console.log(
  `\nfine-tuned from the 1500-step 20-case model, 400 steps on 40 labeled: ${f3(tunedTest.mean)}`,
);

console.log('\ncost per job (wall s / CPU s / peak RSS MB):');
for (const { job, cost } of costs) {
  const cpu = cost.cpuSeconds === null ? '-' : cost.cpuSeconds.toFixed(1);
  const rss = cost.peakRssBytes === null ? '-' : (cost.peakRssBytes / 2 ** 20).toFixed(0);
  console.log(
    `  ${job.padEnd(32)} ${cost.wallSeconds.toFixed(1).padStart(6)} / ${cpu.padStart(6)} / ${rss.padStart(5)}`,
  );
}
console.log(`\nbench total ${((performance.now() - started) / 1000).toFixed(0)} s`);
