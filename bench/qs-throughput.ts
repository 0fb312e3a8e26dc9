// bench:qs-throughput: slices/s of the whole TypeScript QS scoring path (NIfTI decode,
// preprocessing, ONNX inference) and of the bare ONNX model on the same batches, next to the
// Python reference path (torch + Pillow: tools/qs/reference_inference.py's loop, timed by
// bench/qs-reference-path.py) on the same inputs, for the shipped small bundle (models/qs-phantom,
// when present), a random-weight resnet18@128 and a random-weight resnet50@256 bundle (made with
// the real exporter, test/fixtures/qs/make_random_bundle.py). The torch column needs the bundle's
// torch checkpoint: DIR/checkpoint.pth, or --small-checkpoint for --small. Each rate is given per wall second and per CPU second (all
// threads of the process): on a shared machine the wall figures swing with other people's load,
// the CPU ones much less.
//
//   npm run bench:qs-throughput -- [--work DIR] [--small BUNDLE [--small-checkpoint PTH]] [--large-organs N]
//       [--repeat R] [--batch 32] [--threads N] [--rounds 2] [--skip-torch] [--skip-large]
//
// Targets (issue 4): whole path >= 2x the torch path and >= 85% of bare ONNX.

import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { execa } from 'execa';
import { type QsBundle, loadBundle } from '../src/qs/bundle.js';
import { caseFromSegmentations } from '../src/qs/case-sources.js';
import { scoreAllCases } from '../src/qs/score-cases.js';
import { type QsSession, openQsSession } from '../src/qs/session.js';
import { type SliceBatch, buildSliceBatches } from '../src/qs/slice-batches.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const example = path.resolve(root, '../shared/data/totalsegmentator-example');
const ctPath = path.join(example, 'ct.nii.gz');
const segDir = path.join(example, 'segmentations');
const python = '/usr/bin/python3';

// Organs of the example with 10 slices each, for the (slow) resnet50 run.
const LARGE_ORGANS = [
  'liver',
  'spleen',
  'kidney_left',
  'kidney_right',
  'stomach',
  'pancreas',
  'aorta',
  'gallbladder',
  'colon',
  'duodenum',
  'vertebrae_L1',
  'inferior_vena_cava',
];

const { values: opts } = parseArgs({
  options: {
    work: { type: 'string' },
    small: { type: 'string' },
    'small-checkpoint': { type: 'string' },
    'large-organs': { type: 'string', default: '6' },
    repeat: { type: 'string', default: '1' },
    batch: { type: 'string', default: '32' },
    threads: { type: 'string', default: '0' },
    rounds: { type: 'string', default: '2' },
    'skip-torch': { type: 'boolean', default: false },
    'skip-large': { type: 'boolean', default: false },
  },
});
const batchSize = Number(opts.batch);
const threads = Number(opts.threads);
const repeat = Number(opts.repeat);
const rounds = Math.max(1, Number(opts.rounds));
const torchThreads = threads > 0 ? threads : os.availableParallelism();

// Seconds of one measured run.
interface Timing {
  wall: number;
  cpu: number;
}

interface Row {
  name: string;
  slices: number;
  whole: Timing;
  bare: Timing;
  torch: Timing | null;
  diff: number | null;
  relDiff: number | null;
}

// Times fn in wall and CPU seconds (user + system, every thread of this process).
async function timed<T>(fn: () => Promise<T>): Promise<[T, Timing]> {
  const cpu0 = process.cpuUsage();
  const wall0 = performance.now();
  const value = await fn();
  const wall = (performance.now() - wall0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  return [value, { wall, cpu: (cpu.user + cpu.system) / 1e6 }];
}

function best(a: Timing | undefined, b: Timing): Timing {
  return a === undefined ? b : { wall: Math.min(a.wall, b.wall), cpu: Math.min(a.cpu, b.cpu) };
}

async function ensureBundle(
  work: string,
  backbone: string,
  size: number,
  seed: number,
): Promise<string> {
  const dir = path.join(work, `random-${backbone}-${size}`);
  if (!existsSync(path.join(dir, 'manifest.json'))) {
    const script = path.join(root, 'test/fixtures/qs/make_random_bundle.py');
    await execa(python, [
      script,
      '--out',
      dir,
      '--backbone',
      backbone,
      '--input-size',
      String(size),
      '--seed',
      String(seed),
    ]);
  }
  return dir;
}

async function* cases(organs: Set<string> | undefined) {
  for (let i = 0; i < repeat; i++)
    yield await caseFromSegmentations(`example-${i}`, ctPath, segDir, organs ? { organs } : {});
}

// The whole path: decode + preprocess + inference, per case as `sentinel score` runs it.
async function wholePath(bundle: QsBundle, session: QsSession, organs: Set<string> | undefined) {
  const results = await scoreAllCases(bundle, session, cases(organs), { batchSize });
  const slices = results.reduce((n, r) => n + r.organs.reduce((m, o) => m + o.slices, 0), 0);
  return { slices, scores: results[0]?.organs ?? [] };
}

// The bare model: session.run on the very batches the whole path builds (made beforehand).
async function bareOnnx(batches: SliceBatch[], session: QsSession) {
  for (const b of batches) await session.run(b.images, b.embeddings, b.count);
}

async function torchPath(dir: string, checkpoint: string, organs: Set<string> | undefined) {
  const args = [
    path.join(root, 'bench/qs-reference-path.py'),
    '--bundle',
    dir,
    '--checkpoint',
    checkpoint,
    '--image',
    ctPath,
    '--segmentations',
    segDir,
    '--repeat',
    String(repeat),
  ];
  if (organs) args.push('--organs', [...organs].join(','));
  const env = { OMP_NUM_THREADS: String(torchThreads), OMP_WAIT_POLICY: 'PASSIVE' };
  const { stdout } = await execa(python, args, { env });
  const out = JSON.parse(stdout) as {
    wallSeconds: number;
    cpuSeconds: number;
    slices: number;
    scores: Record<string, number | null>;
  };
  return {
    timing: { wall: out.wallSeconds, cpu: out.cpuSeconds },
    slices: out.slices,
    scores: out.scores,
  };
}

async function measure(
  name: string,
  dir: string,
  organs: Set<string> | undefined,
  checkpoint = path.join(dir, 'checkpoint.pth'),
): Promise<Row> {
  const bundle = await loadBundle(dir);
  const session = await openQsSession(bundle, { threads });
  try {
    const batches: SliceBatch[] = [];
    for await (const e of buildSliceBatches(bundle, cases(organs), {
      batchSize,
      reuseBuffers: false,
    })) {
      if (e.kind === 'batch') batches.push(e.batch);
    }
    const first = batches[0];
    if (first) await session.run(first.images, first.embeddings, first.count); // warm-up
    let whole: Timing | undefined;
    let bare: Timing | undefined;
    let last: Awaited<ReturnType<typeof wholePath>> | undefined;
    // Alternate the two so that a burst of load on the shared machine hits both alike.
    for (let r = 0; r < rounds; r++) {
      const [result, w] = await timed(() => wholePath(bundle, session, organs));
      last = result;
      whole = best(whole, w);
      bare = best(bare, (await timed(() => bareOnnx(batches, session)))[1]);
    }
    const slices = last?.slices ?? 0;
    const sliceCount = batches.reduce((n, b) => n + b.count, 0);
    if (sliceCount !== slices || whole === undefined || bare === undefined)
      throw new Error(`bare batches hold ${sliceCount} slices, whole path ${slices}`);
    let torch: Timing | null = null;
    let diff: number | null = null;
    let relDiff: number | null = null;
    if (!opts['skip-torch'] && existsSync(checkpoint)) {
      const ref = await torchPath(dir, checkpoint, organs);
      if (ref.slices !== slices)
        throw new Error(`torch path ran ${ref.slices} slices, TS ${slices}`);
      torch = ref.timing;
      diff = 0;
      relDiff = 0;
      for (const o of last?.scores ?? []) {
        const r = ref.scores[o.organ];
        if (o.score === null || r === undefined || r === null) continue;
        diff = Math.max(diff, Math.abs(o.score - r));
        relDiff = Math.max(relDiff, Math.abs(o.score - r) / Math.max(1, Math.abs(r)));
      }
    }
    return { name, slices, whole, bare, torch, diff, relDiff };
  } finally {
    await session.dispose();
  }
}

function printRows(rows: Row[]): void {
  const f = (v: number | null, d = 1) => (v === null ? 'n/a' : v.toFixed(d));
  for (const unit of ['wall', 'cpu'] as const) {
    const per = unit === 'wall' ? 'slices per wall second' : 'slices per CPU second';
    console.log(`\n${per}:\n`);
    console.log(
      '| bundle | slices | whole TS path | bare ONNX | torch reference | whole / torch | whole / bare ONNX |',
    );
    console.log('|---|---|---|---|---|---|---|');
    for (const r of rows) {
      const whole = r.slices / r.whole[unit];
      const bare = r.slices / r.bare[unit];
      const torch = r.torch === null ? null : r.slices / r.torch[unit];
      const vsTorch = torch === null ? 'n/a' : `${(whole / torch).toFixed(2)}x`;
      console.log(
        `| ${r.name} | ${r.slices} | ${f(whole)} | ${f(bare)} | ${f(torch)} | ${vsTorch} | ${((100 * whole) / bare).toFixed(0)}% |`,
      );
    }
  }
  console.log('\nmax |TS - torch| per organ score (absolute; relative to max(1, |score|)):');
  for (const r of rows)
    console.log(
      `  ${r.name}: ${r.diff?.toExponential(1) ?? 'n/a'}; ${r.relDiff?.toExponential(1) ?? 'n/a'}`,
    );
  console.log('\ntargets: whole / torch >= 2x, whole / bare ONNX >= 85%');
}

async function main(): Promise<void> {
  const work = opts.work ?? (await mkdtemp(path.join(os.tmpdir(), 'qs-bench-')));
  console.log(
    `qs-throughput: batch ${batchSize}, ONNX threads ${threads || 'default'}, torch threads ${torchThreads} (OMP_WAIT_POLICY=PASSIVE), repeat ${repeat}, best of ${rounds}, cpus ${os.availableParallelism()}, load ${os.loadavg()[0]?.toFixed(1)}`,
  );
  try {
    const rows: Row[] = [];
    const shipped = path.join(root, 'models/qs-phantom');
    const smallDir =
      opts.small ?? (existsSync(path.join(shipped, 'manifest.json')) ? shipped : undefined);
    if (smallDir !== undefined) {
      const small = await loadBundle(smallDir);
      const name = `${small.manifest.name} (${small.manifest.backbone}@${small.manifest.inputSize}, all organs)`;
      rows.push(await measure(name, smallDir, undefined, opts['small-checkpoint']));
    }
    const randomSmall = await ensureBundle(work, 'resnet18', 128, 2);
    rows.push(await measure('random resnet18@128 (all organs)', randomSmall, undefined));
    if (!opts['skip-large']) {
      const largeDir = await ensureBundle(work, 'resnet50', 256, 1);
      const organs = new Set(LARGE_ORGANS.slice(0, Number(opts['large-organs'])));
      rows.push(await measure(`random resnet50@256 (${organs.size} organs)`, largeDir, organs));
    }
    printRows(rows);
  } finally {
    if (opts.work === undefined) await rm(work, { recursive: true, force: true });
  }
}

await main();
