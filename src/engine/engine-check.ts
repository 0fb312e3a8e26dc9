import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { JobCost } from '../executor/cost-meter.js';
import type { ClassMap } from '../volume/class-map.js';
import {
  type OutputProblem,
  allowedLabels,
  checkExists,
  checkMaskGrid,
  checkMaskLabels,
  checkProbabilityMap,
  readGrid,
} from './check-outputs.js';
import { checkUncertaintyMap } from './check-uncertainty-map.js';
import type { PredictResponse } from './contract.js';
import type { EngineConfig } from './engine-config.js';
import { type EngineRunResult, runEngine } from './run-engine.js';

// One line of the engine-check checklist.
export interface CheckLine {
  status: 'pass' | 'fail' | 'skip';
  name: string;
  detail: string;
}

// The cases engine-check trains and predicts on (the caller's phantoms), with their class map.
export interface EngineCheckCases {
  labeled: readonly { id: string; image: string; label: string }[];
  test: readonly { id: string; image: string }[];
  classes: ClassMap;
}

// What engine-check runs on: a folder for its files, the cases, params merged over the
// engine's, the MC samples to ask for.
export interface EngineCheckOptions {
  dir: string;
  data: EngineCheckCases;
  params?: Record<string, unknown>;
  mcSamples?: number;
  signal?: AbortSignal;
  // Called with each line as soon as it is known (a real engine may train for minutes).
  onLine?: (line: CheckLine) => void;
}

// The conformance check of an engine: a tiny train and predict on phantoms, every output
// validated against the contract, one line per check. Never throws for anything the engine does.
export async function checkEngine(
  engine: EngineConfig,
  options: EngineCheckOptions,
): Promise<CheckLine[]> {
  const lines: CheckLine[] = [];
  const add = (status: CheckLine['status'], name: string, detail = '') => {
    const line = { status, name, detail };
    lines.push(line);
    options.onLine?.(line);
  };
  const failed = (name: string, problem: OutputProblem | undefined, passDetail = '') => {
    add(problem ? 'fail' : 'pass', name, problem ? problem.message : passDetail);
    return problem !== undefined;
  };
  const { data } = options;
  const configured = { ...engine, params: { ...engine.params, ...options.params } };
  const mcSamples = engine.supportsMcDropout ? (options.mcSamples ?? 2) : 0;

  const trained = await runEngine(
    configured,
    {
      action: 'train',
      init: null,
      cases: data.labeled.map(({ id, image, label }) => ({ id, image, label })),
      classes: data.classes,
      seed: 0,
      checkpoint: join(options.dir, 'checkpoint'),
    },
    { jobDir: join(options.dir, 'train'), signal: options.signal },
  );
  add(
    trained.ok ? 'pass' : 'fail',
    `train: exits 0 and writes a valid response (${data.labeled.length} cases)`,
    runDetail(trained),
  );
  if (!trained.ok) {
    skipRest(add, mcSamples);
    return lines;
  }
  failed(
    'train: the checkpoint exists',
    await checkExists(trained.response.checkpoint, 'checkpoint'),
    trained.response.checkpoint,
  );

  const outputDir = join(options.dir, 'predictions');
  await mkdir(outputDir, { recursive: true });
  const predicted = await runEngine(
    configured,
    {
      action: 'predict',
      checkpoint: trained.response.checkpoint,
      cases: data.test.map(({ id, image }) => ({ id, image })),
      classes: data.classes,
      seed: 0,
      outputDir,
      save: {
        probabilities: true,
        mcSamples,
        ...(engine.uncertainty === 'fused' ? { entropyMap: true, mcStdMap: mcSamples } : {}),
      },
    },
    { jobDir: join(options.dir, 'predict'), signal: options.signal, checkOutputs: false },
  );
  add(
    predicted.ok ? 'pass' : 'fail',
    `predict: exits 0 and writes a valid response (${data.test.length} cases)`,
    runDetail(predicted),
  );
  if (!predicted.ok) {
    skipRest(add, mcSamples, true);
    return lines;
  }
  const response: PredictResponse = predicted.response;

  const asked = data.test.map((c) => c.id).sort();
  const given = response.outputs.map((o) => o.id).sort();
  const sameIds = asked.join() === given.join();
  add(
    sameIds ? 'pass' : 'fail',
    'predict: one output per case',
    sameIds ? '' : `asked for ${asked.join(', ')}; got ${given.join(', ')}`,
  );
  const outputs = response.outputs.filter((o) => asked.includes(o.id));
  const grids = new Map(
    await Promise.all(data.test.map(async (c) => [c.id, await readGrid(c.image)] as const)),
  );
  const gridOf = (id: string) => grids.get(id)!;
  const first = async (checks: Promise<OutputProblem | undefined>[]) =>
    (await Promise.all(checks)).find((p) => p);
  const labels = allowedLabels(data.classes);
  const channels = Object.keys(data.classes).length + 1;

  const gridProblem = await first(outputs.map((o) => checkMaskGrid(o.mask, gridOf(o.id))));
  failed("masks: NIfTI label maps on the image's grid", gridProblem);
  if (gridProblem)
    add('skip', 'masks: labels within {0} + the class map', 'the masks are not on the grid');
  else
    failed(
      `masks: labels within {${[...labels].join(', ')}}`,
      await first(outputs.map((o) => checkMaskLabels(o.mask, labels))),
    );

  const probabilityProblem = await first(
    outputs.map(async (o) =>
      o.probabilities
        ? (await checkProbabilityMap(o.probabilities, gridOf(o.id), channels)).problem
        : { reason: 'missing-output' as const, message: `case ${o.id}: no probabilities given` },
    ),
  );
  failed(
    `probabilities: ${channels} channels on the grid, in [0, 1], summing to 1`,
    probabilityProblem,
    engine.probabilityType,
  );

  if (engine.uncertainty === 'fused') {
    const maps = outputs.flatMap((o) => [
      checkUncertaintyMap(o.entropyMap, gridOf(o.id), 'entropy map'),
      ...(mcSamples > 0 ? [checkUncertaintyMap(o.mcStdMap, gridOf(o.id), 'MC-std map')] : []),
    ]);
    failed('fused uncertainty maps: 3D float32 on the grid, finite, >= 0', await first(maps));
  }
  if (mcSamples === 0) {
    add('skip', 'MC samples', 'supportsMcDropout is false');
    return lines;
  }
  let countProblem: OutputProblem | undefined;
  let sampleProblem: OutputProblem | undefined;
  let sameProblem: OutputProblem | undefined;
  for (const o of outputs) {
    const paths = o.mcSamples ?? [];
    if (paths.length !== mcSamples) {
      countProblem ??= {
        reason: 'missing-output',
        message: `case ${o.id}: ${paths.length} samples given, ${mcSamples} asked for`,
      };
      continue;
    }
    const checks = await Promise.all(
      paths.map((p) => checkProbabilityMap(p, gridOf(o.id), channels)),
    );
    sampleProblem ??= checks.find((c) => c.problem)?.problem;
    if (checks.some((c) => c.problem)) continue;
    for (let a = 0; a < checks.length; a++) {
      for (let b = a + 1; b < checks.length; b++) {
        if (maxDifference(checks[a]!.sample, checks[b]!.sample) < 1e-6) {
          sameProblem ??= {
            reason: 'bad-output',
            message: `case ${o.id}: samples ${paths[a]} and ${paths[b]} are identical (is dropout on?)`,
          };
        }
      }
    }
  }
  failed(`MC samples: ${mcSamples} per case`, countProblem);
  failed('MC samples: each a valid probability map', sampleProblem);
  if (countProblem || sampleProblem)
    add('skip', 'MC samples: differ from each other', 'the samples are not all valid');
  else failed('MC samples: differ from each other', sameProblem);
  return lines;
}

// What a run cost, or why it failed and where its log is.
function runDetail(result: EngineRunResult<unknown>): string {
  if (!result.ok)
    return `${result.reason}: ${result.message}\n${indent(result.logTail)}\nlog: ${result.logPath}`;
  return formatCost(result.cost);
}

// "3.2 s, CPU 3.1 s, peak RSS 85 MB"
export function formatCost(cost: JobCost): string {
  const parts = [`${cost.wallSeconds.toFixed(1)} s`];
  if (cost.cpuSeconds !== null) parts.push(`CPU ${cost.cpuSeconds.toFixed(1)} s`);
  if (cost.peakRssBytes !== null) parts.push(`peak RSS ${Math.round(cost.peakRssBytes / 1e6)} MB`);
  return parts.join(', ');
}

function skipRest(
  add: (status: CheckLine['status'], name: string, detail?: string) => void,
  mcSamples: number,
  trained = false,
): void {
  if (!trained) add('skip', 'predict', 'training failed');
  add('skip', 'masks, probabilities', 'nothing was predicted');
  if (mcSamples > 0) add('skip', 'MC samples', 'nothing was predicted');
}

function maxDifference(a: Float32Array, b: Float32Array): number {
  let worst = a.length === b.length ? 0 : Number.POSITIVE_INFINITY;
  for (let i = 0; i < Math.min(a.length, b.length); i++)
    worst = Math.max(worst, Math.abs(a[i]! - b[i]!));
  return worst;
}

function indent(text: string): string {
  return text
    .split('\n')
    .filter((l) => l !== '')
    .slice(-10)
    .map((l) => `  | ${l}`)
    .join('\n');
}
