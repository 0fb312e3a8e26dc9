// bench:paper-scale: each uncertainty method's quality-estimation cost per case at the size of
// the Quality Sentinel paper's Table 3 (TotalSegmentator CTs: 512 x 512 x ~300 voxels, 104
// organs), for both ways an engine can hand over its uncertainty:
//   files  the engine writes float32 probability maps (105 channels; T of them for MC dropout)
//          and the strategy streams them back (the paper's setting);
//   fused  the engine computes each voxel's entropy / MC std while it predicts and writes one
//          3D float32 map (contract save.entropyMap / save.mcStdMap), which the strategy reads.
// Every step runs in its own process, metered like an experiment job (src/executor/
// cost-meter.ts: wall, CPU of the tree, sampled peak RSS of the tree, bytes of files written)
// plus the bytes it read (rchar of /proc/self/io: read() calls, page cache included). The
// synthetic engine (paper-scale-case.ts) runs no network: these are the costs the quality
// estimation adds to a prediction, not inference. With --qs, QS scores the same case (it needs
// no engine output beyond the pseudo label).
//
//   npm run bench:paper-scale -- [--cases 2] [--slices 30] [--depth 300] [--samples 3] [--qs]
//
// MEASURED: per case at --slices slices. PROJECTED: x (depth / slices) per case for time, CPU
// and bytes (every step streams slice by slice, so they grow linearly with depth), x 100 cases;
// peak RAM is the measured peak of one job (jobs run one after another; not extrapolated).

import { spawn } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { CostMeter, type JobCost } from '../src/executor/cost-meter.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const childScript = fileURLToPath(new URL('./paper-scale-child.js', import.meta.url));

interface StepCost extends JobCost {
  readBytes: number;
}
interface ChildReply {
  io: Record<string, number>;
  scores?: { caseScore: number | null; organs: (number | null)[] };
}

// Runs one step in its own metered process.
async function measure(args: string[], outputs: string[]): Promise<StepCost & ChildReply> {
  const meter = await CostMeter.begin(outputs);
  const child = spawn(process.execPath, [childScript, ...args], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  if (child.pid) meter.attach(child.pid);
  let stdout = '';
  child.stdout.on('data', (chunk) => {
    stdout += chunk;
  });
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  meter.rootExited();
  const cost = await meter.end();
  if (code !== 0) throw new Error(`step ${args.join(' ')} exited ${code}`);
  const reply = JSON.parse(stdout) as ChildReply;
  return { ...cost, ...reply, readBytes: reply.io.rchar ?? 0 };
}

// A method's cost for one case: its engine steps plus its scoring (jobs run one after another:
// times and bytes add up, the peak is the highest).
function total(steps: StepCost[]): StepCost & { jobs: number } {
  return {
    wallSeconds: steps.reduce((s, x) => s + x.wallSeconds, 0),
    cpuSeconds: steps.reduce((s, x) => s + (x.cpuSeconds ?? 0), 0),
    peakRssBytes: Math.max(...steps.map((x) => x.peakRssBytes ?? 0)),
    diskBytes: steps.reduce((s, x) => s + x.diskBytes, 0),
    readBytes: steps.reduce((s, x) => s + x.readBytes, 0),
    cpuSource: steps[0]?.cpuSource ?? 'none',
    jobs: steps.length,
  };
}

// Scales a per-case figure measured at `slices` to `depth`: the fixed part (a process that
// only starts, times the jobs) stays, the rest grows with the slices.
function project(measured: number, fixed: number, scale: number): number {
  const fixedPart = Math.min(measured, fixed);
  return fixedPart + (measured - fixedPart) * scale;
}

type Variant = { method: string; path: 'files' | 'fused' | 'none' };
const VARIANTS: Variant[] = [
  { method: 'mc-dropout', path: 'files' },
  { method: 'mc-dropout', path: 'fused' },
  { method: 'entropy', path: 'files' },
  { method: 'entropy', path: 'fused' },
  { method: 'quality-sentinel', path: 'none' },
];

// One case of one variant: engine step(s), then the score; the big files removed after.
async function runVariant(
  v: Variant,
  dir: string,
  slices: number,
  samples: number,
  qsModel: string,
) {
  const mask = join(dir, 'mask.nii');
  const image = join(dir, 'image.nii');
  const out = join(dir, `${v.method}-${v.path}`);
  mkdirSync(out, { recursive: true });
  const steps: (StepCost & ChildReply)[] = [];
  let files: string[] = [];
  if (v.path === 'files') {
    const passes = v.method === 'entropy' ? [-1] : Array.from({ length: samples }, (_, t) => t);
    files = passes.map((t) => join(out, `probabilities${t}.nii`));
    for (const [i, t] of passes.entries())
      steps.push(await measure(['probabilities', files[i]!, String(slices), String(t + 1)], [out]));
  } else if (v.path === 'fused') {
    files = [join(out, 'uncertainty.nii')];
    const args =
      v.method === 'entropy'
        ? ['fused-entropy', files[0]!, String(slices)]
        : ['fused-mc', files[0]!, String(slices), String(samples)];
    steps.push(await measure(args, [out]));
  } else files = [image];
  const flags = v.path === 'fused' ? ['--fused'] : v.path === 'none' ? ['--qs-model', qsModel] : [];
  const scored = await measure(['score', v.method, mask, ...files, ...flags], []);
  rmSync(out, { recursive: true, force: true });
  return { cost: total([...steps, scored]), scores: scored.scores };
}

const PAPER: Record<string, { hours: number; ramGb: number; diskGb: number }> = {
  'mc-dropout': { hours: 3.17, ramGb: 92.4, diskGb: 1032 },
  entropy: { hours: 1.61, ramGb: 33.1, diskGb: 344 },
  'quality-sentinel': { hours: 0.5, ramGb: 1.5, diskGb: 0.05 },
};

const gb = (bytes: number) => bytes / 1e9;
const fmt = (x: number, digits = 2) =>
  x >= 100 ? x.toFixed(0) : x >= 0.01 || x === 0 ? x.toFixed(digits) : x.toExponential(1);

function maxRelativeDifference(a: ChildReply['scores'], b: ChildReply['scores']): number {
  const pairs: [number | null, number | null][] = [
    [a?.caseScore ?? null, b?.caseScore ?? null],
    ...(a?.organs ?? []).map((x, i) => [x, b?.organs[i] ?? null] as [number | null, number | null]),
  ];
  let worst = 0;
  for (const [x, y] of pairs) {
    if (x === null || y === null) {
      if (x !== y) return Number.POSITIVE_INFINITY;
      continue;
    }
    worst = Math.max(worst, Math.abs(x - y) / Math.max(Math.abs(x), 1e-12));
  }
  return worst;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      cases: { type: 'string', default: '2' },
      slices: { type: 'string', default: '30' },
      depth: { type: 'string', default: '300' },
      samples: { type: 'string', default: '3' },
      qs: { type: 'boolean' },
      'qs-model': { type: 'string', default: join(root, 'models/qs-phantom') },
      dir: { type: 'string', default: join(root, '.bench/paper-scale') },
    },
  });
  const [cases, slices, depth, samples] = [
    values.cases,
    values.slices,
    values.depth,
    values.samples,
  ].map(Number) as [number, number, number, number];
  const variants = VARIANTS.filter((v) => values.qs || v.path !== 'none');
  const perCase = new Map<string, (StepCost & { jobs: number })[]>();
  const differences = new Map<string, number>();
  console.log(
    `bench:paper-scale: ${cases} case(s) of 512 x 512 x ${slices} voxels, 105 channels (104 organs), T = ${samples}; projected to 512 x 512 x ${depth} and 100 cases`,
  );
  const noop = await measure(['noop'], []);
  for (let c = 0; c < cases; c++) {
    const dir = join(values.dir, `case-${c}`);
    mkdirSync(dir, { recursive: true });
    await measure(['mask', join(dir, 'mask.nii'), String(slices), join(dir, 'image.nii')], []);
    const scores = new Map<string, ChildReply['scores']>();
    for (const v of variants) {
      const key = `${v.method} ${v.path}`;
      const { cost, scores: s } = await runVariant(v, dir, slices, samples, values['qs-model']);
      perCase.set(key, [...(perCase.get(key) ?? []), cost]);
      scores.set(key, s);
      console.log(
        `  case ${c} ${key.padEnd(22)} ${cost.wallSeconds.toFixed(1)} s wall, ${fmt(cost.cpuSeconds ?? 0, 1)} s CPU, peak ${fmt(gb(cost.peakRssBytes ?? 0), 2)} GB, wrote ${fmt(gb(cost.diskBytes), 3)} GB, read ${fmt(gb(cost.readBytes), 3)} GB`,
      );
    }
    for (const method of ['entropy', 'mc-dropout']) {
      const d = maxRelativeDifference(scores.get(`${method} files`), scores.get(`${method} fused`));
      differences.set(method, Math.max(differences.get(method) ?? 0, d));
    }
    rmSync(dir, { recursive: true, force: true });
  }
  const report = table(perCase, { slices, depth, cases }, differences, noop);
  console.log(`\n${report}`);
  mkdirSync(values.dir, { recursive: true });
  writeFileSync(join(values.dir, 'results.md'), `${report}\n`);
}

function table(
  perCase: Map<string, (StepCost & { jobs: number })[]>,
  size: { slices: number; depth: number; cases: number },
  differences: Map<string, number>,
  noop: StepCost,
): string {
  const scale = size.depth / size.slices;
  const lines = [
    `Measured per case (mean of ${size.cases}, 512 x 512 x ${size.slices}) and projected to 100 cases of 512 x 512 x ${size.depth} (per job, a process start: ${noop.wallSeconds.toFixed(2)} s wall, ${(noop.readBytes / 1e6).toFixed(0)} MB read, counted once; the rest x ${scale.toFixed(1)}), next to the paper's Table 3 (per 100 TotalSegmentator CTs). Peak RAM: the measured peak of one job, not extrapolated. QS: x 100 only (it reads a fixed number of slices per organ), and the shipped bundle scores 9 of the 104 organs.`,
    '',
    '| method | path | measured/case: wall s | CPU s | peak RSS GB | written GB | read GB | projected/100: time h | CPU h | RAM GB (peak) | disk GB | read GB | paper: time h | RAM GB | disk GB |',
    '| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ];
  for (const [key, runs] of perCase) {
    const [method, path] = key.split(' ') as [string, string];
    const mean = (f: (c: StepCost) => number) => runs.reduce((s, c) => s + f(c), 0) / runs.length;
    const wall = mean((c) => c.wallSeconds);
    const cpu = mean((c) => c.cpuSeconds ?? 0);
    const jobs = runs[0]?.jobs ?? 1;
    // QS reads a fixed number of slices per organ (the bundle's slicesPerOrgan): not x depth.
    const factor = method === 'quality-sentinel' ? 1 : scale;
    const projected = (measured: number, fixed: number) =>
      100 * project(measured, fixed * jobs, factor);
    const peak = Math.max(...runs.map((c) => c.peakRssBytes ?? 0));
    const written = mean((c) => c.diskBytes);
    const read = mean((c) => c.readBytes);
    const paper = PAPER[method];
    lines.push(
      `| ${method} | ${path} | ${fmt(wall, 1)} | ${fmt(
        mean((c) => c.cpuSeconds ?? 0),
        1,
      )} | ${fmt(gb(peak))} | ${fmt(gb(written), 3)} | ${fmt(gb(read), 3)} | ${fmt(projected(wall, noop.wallSeconds) / 3600)} | ${fmt(projected(cpu, noop.cpuSeconds ?? 0) / 3600)} | ${fmt(gb(peak))} | ${fmt(gb(projected(written, 0)), 1)} | ${fmt(gb(projected(read, noop.readBytes)), 1)} | ${paper?.hours ?? ''} | ${paper?.ramGb ?? ''} | ${paper?.diskGb ?? ''} |`,
    );
  }
  for (const method of ['entropy', 'mc-dropout']) {
    const files = perCase.get(`${method} files`);
    const fused = perCase.get(`${method} fused`);
    if (!files || !fused) continue;
    const ratio =
      files.reduce((s, c) => s + c.diskBytes, 0) / fused.reduce((s, c) => s + c.diskBytes, 0);
    lines.push(
      '',
      `${method}: fused writes ${ratio.toFixed(0)}x fewer bytes than files; largest relative score difference fused vs files ${differences.get(method)?.toExponential(1)}`,
    );
  }
  return lines.join('\n');
}

await main();
