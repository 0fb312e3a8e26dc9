// bench:qs-throughput: slices/s of the whole TypeScript QS scoring path (NIfTI decode,
// preprocessing, ONNX inference: scoreCases with the default session, as `sentinel score` runs
// it; also with ONNX Runtime in a worker thread, overlapping preprocessing) and of the bare ONNX
// model (session.run on the same batches, made beforehand), next to the Python reference path
// (torch + Pillow: tools/qs/reference_inference.py's loop, timed by bench/qs-reference-path.py)
// on the same inputs (the CT and masks of ../shared/data/totalsegmentator-example), in one run.
// Bundles: the shipped small model (models/qs-phantom: its backbone, its 9 organs, the case
// read --small-repeat times) and a random-weight resnet50@256 made with the real exporter
// (test/fixtures/qs/make_random_bundle.py, --large-organs organs); --resnet18 adds a random
// resnet18@128 (all organs). The torch side of the shipped model runs seeded random weights of
// its architecture (tools/qs/make_random_checkpoint.py; the trained checkpoint is not in the
// repository), unless --small-checkpoint gives the state_dict it was exported from: the timing
// does not depend on the weights, the score comparison does. Both sides get the same thread
// count (--threads, default: the CPU count for torch, ONNX Runtime's own default). Rates are per
// wall second and per CPU second (all threads of the process): on a shared machine the wall
// figures swing with other people's load, the CPU ones less (torch's second thread then burns
// CPU when a core is free, less when none is).
//
//   npm run bench:qs-throughput -- [--work DIR] [--small BUNDLE] [--small-checkpoint PTH]
//       [--small-repeat 10] [--large-organs 6] [--batch 32] [--threads N] [--rounds 3]
//       [--skip-torch] [--skip-large] [--resnet18]
//
// Targets (issue 4): whole path >= 2x the torch path and >= 85% of bare ONNX. Measured on the
// project's 2-core shared CPU, 3 runs or more each (ranges; "quiet": load average 1-3 from
// others, "loaded": 5-8):
//
//   bundle                              whole / torch (wall; CPU)   whole / bare ONNX (wall; CPU)
//   qs-phantom v7, ensemble(resnet18-   2.9-3.3x; 3.7-4.1x          51-54%; 60-67%
//   w24,resnet18-w16)@64, 900 slices    (quiet)
//   qs-phantom before v7, resnet18-w24  2.4-2.8x; 2.9-3.6x          43-46%; 58-61%
//   @64 (--small), 900 slices           (loaded: 1.8-2.4x; 2.0-3.0x) (loaded: 45-60%; 58-60%)
//   random resnet50@256, 60 slices      2.6-2.8x; 2.4-2.5x (quiet)  94-98%; 96-100%
//
// So resnet50@256 meets both targets; the small models meet the torch one (the single
// resnet18-w24 not always when the machine is loaded) but not the bare-ONNX one: their networks
// are so small (90 slices cost ONNX Runtime ~26 ms CPU for resnet18-w24, ~37 ms for the
// ensemble) that decoding the case's CT and 9 masks and preprocessing 90 slices (~15 ms CPU:
// inflate ~2.5, crops and Pillow resizes ~4, slice boxes ~1, garbage collection ~3, file system
// ~2) cap the whole path near 26 / (26 + 15) = 63% (ensemble: 71%) of bare ONNX per CPU second,
// and on 2 cores by the clock too, as both sides keep the cores busy. With --small-checkpoint
// runs/qs-training/qs-phantom.pth (the resnet18-w24's trained weights, git-ignored) TS and
// torch agree to 1.2e-7. The worker-thread column was not consistently faster here by the
// clock (-10..+18%) and always costlier in CPU (one more busy thread than cores).

import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { type QsBundle, loadBundle } from '../src/qs/bundle.js';
import { caseFromSegmentations } from '../src/qs/case-sources.js';
import { scoreAllCases } from '../src/qs/score-cases.js';
import { type QsSession, openQsSession } from '../src/qs/session.js';
import { type SliceBatch, buildSliceBatches } from '../src/qs/slice-batches.js';
import {
  ensureRandomBundle,
  ensureRandomCheckpoint,
  runTorchPath,
} from './qs-throughput-python.js';
import { type Row, type Setup, type Timing, printRows } from './qs-throughput-table.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const example = path.resolve(root, '../shared/data/totalsegmentator-example');
const ctPath = path.join(example, 'ct.nii.gz');
const segDir = path.join(example, 'segmentations');

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
    'small-repeat': { type: 'string', default: '10' },
    'large-organs': { type: 'string', default: '6' },
    batch: { type: 'string', default: '32' },
    threads: { type: 'string', default: '0' },
    rounds: { type: 'string', default: '3' },
    'skip-torch': { type: 'boolean', default: false },
    'skip-large': { type: 'boolean', default: false },
    resnet18: { type: 'boolean', default: false },
  },
});
const batchSize = Number(opts.batch);
const threads = Number(opts.threads);
const rounds = Math.max(1, Number(opts.rounds));
const torchThreads = threads > 0 ? threads : os.availableParallelism();
const work = opts.work ?? (await mkdtemp(path.join(os.tmpdir(), 'qs-bench-')));

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

function cases(setup: Setup) {
  return (async function* () {
    for (let i = 0; i < setup.repeat; i++) {
      const options = setup.organs ? { organs: setup.organs } : {};
      yield await caseFromSegmentations(`example-${i}`, ctPath, segDir, options);
    }
  })();
}

// The whole path: decode + preprocess + inference, per case as `sentinel score` runs it.
async function wholePath(bundle: QsBundle, session: QsSession, setup: Setup) {
  const results = await scoreAllCases(bundle, session, cases(setup), { batchSize });
  const slices = results.reduce((n, r) => n + r.organs.reduce((m, o) => m + o.slices, 0), 0);
  return { slices, scores: results[0]?.organs ?? [] };
}

// The bare model: session.run on the very batches the whole path builds (made beforehand).
async function bareOnnx(batches: SliceBatch[], session: QsSession) {
  for (const b of batches) await session.run(b.images, b.embeddings, b.count);
}

async function measure(setup: Setup): Promise<Row> {
  const bundle = await loadBundle(setup.dir);
  const session = await openQsSession(bundle, { threads });
  const worker = await openQsSession(bundle, { threads, worker: true });
  try {
    const batches: SliceBatch[] = [];
    const built = buildSliceBatches(bundle, cases(setup), { batchSize, reuseBuffers: false });
    for await (const e of built) if (e.kind === 'batch') batches.push(e.batch);
    const first = batches[0];
    for (const s of [session, worker]) {
      if (first) await s.run(first.images, first.embeddings, first.count); // warm-up
    }
    let whole: Timing | undefined;
    let wholeWorker: Timing | undefined;
    let bare: Timing | undefined;
    let last: Awaited<ReturnType<typeof wholePath>> | undefined;
    // Alternate the three so that a burst of load on the shared machine hits all alike.
    for (let r = 0; r < rounds; r++) {
      const [result, w] = await timed(() => wholePath(bundle, session, setup));
      last = result;
      whole = best(whole, w);
      wholeWorker = best(wholeWorker, (await timed(() => wholePath(bundle, worker, setup)))[1]);
      bare = best(bare, (await timed(() => bareOnnx(batches, session)))[1]);
    }
    const slices = last?.slices ?? 0;
    const sliceCount = batches.reduce((n, b) => n + b.count, 0);
    if (sliceCount !== slices || !whole || !wholeWorker || !bare)
      throw new Error(`bare batches hold ${sliceCount} slices, whole path ${slices}`);
    let torch: Row['torch'] = null;
    let diff: Row['diff'] = null;
    if (!opts['skip-torch']) {
      const ref = await runTorchPath({
        bundle: setup.dir,
        checkpoint: setup.checkpoint,
        image: ctPath,
        segmentations: segDir,
        organs: setup.organs,
        repeat: setup.repeat,
        rounds,
        threads: torchThreads,
      });
      if (ref.slices !== slices)
        throw new Error(`torch path ran ${ref.slices} slices, TS ${slices}`);
      torch = { timing: { wall: ref.wallSeconds, cpu: ref.cpuSeconds }, threads: ref.threads };
      if (setup.sameWeights) {
        diff = { absolute: 0, relative: 0 };
        for (const o of last?.scores ?? []) {
          const r = ref.scores[o.organ];
          if (o.score === null || r === undefined || r === null) continue;
          const d = Math.abs(o.score - r);
          diff.absolute = Math.max(diff.absolute, d);
          diff.relative = Math.max(diff.relative, d / Math.max(1, Math.abs(r)));
        }
      }
    }
    return { setup, slices, whole, wholeWorker, bare, torch, diff };
  } finally {
    await session.dispose();
    await worker.dispose();
  }
}

async function main(): Promise<void> {
  console.log(
    `qs-throughput: batch ${batchSize}; ONNX Runtime intra-op threads ${threads || 'default (one per physical core)'}; torch OMP_NUM_THREADS=${torchThreads} (OMP_WAIT_POLICY=PASSIVE); best of ${rounds} rounds; ${os.availableParallelism()} CPUs, load ${os.loadavg()[0]?.toFixed(1)}`,
  );
  try {
    const rows: Row[] = [];
    const smallDir = opts.small ?? path.join(root, 'models/qs-phantom');
    const small = await loadBundle(smallDir);
    const { backbone, inputSize, name } = small.manifest;
    const classes = new Set(small.manifest.classes.map((c) => c.name));
    rows.push(
      await measure({
        name: `${name} (${backbone}@${inputSize}, ${classes.size} organs x ${opts['small-repeat']})`,
        dir: smallDir,
        organs: undefined,
        repeat: Number(opts['small-repeat']),
        checkpoint: opts['small-checkpoint'] ?? (await ensureRandomCheckpoint(work, small, 11)),
        sameWeights: opts['small-checkpoint'] !== undefined,
      }),
    );
    if (opts.resnet18) {
      const dir = await ensureRandomBundle(work, 'resnet18', 128, 2);
      rows.push(
        await measure({
          name: 'random resnet18@128 (all organs)',
          dir,
          organs: undefined,
          repeat: 1,
          checkpoint: path.join(dir, 'checkpoint.pth'),
          sameWeights: true,
        }),
      );
    }
    if (!opts['skip-large']) {
      const dir = await ensureRandomBundle(work, 'resnet50', 256, 1);
      const organs = new Set(LARGE_ORGANS.slice(0, Number(opts['large-organs'])));
      rows.push(
        await measure({
          name: `random resnet50@256 (${organs.size} organs)`,
          dir,
          organs,
          repeat: 1,
          checkpoint: path.join(dir, 'checkpoint.pth'),
          sameWeights: true,
        }),
      );
    }
    printRows(rows);
  } finally {
    if (opts.work === undefined) await rm(work, { recursive: true, force: true });
  }
}

await main();
