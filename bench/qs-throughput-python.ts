import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import type { QsBundle } from '../src/qs/bundle.js';

// The Python half of bench:qs-throughput: random-weight bundles and checkpoints made with the
// project's tools, and the timed torch reference path (bench/qs-reference-path.py).

const root = fileURLToPath(new URL('../../', import.meta.url));
const python = '/usr/bin/python3';

async function runPython(script: string, args: string[], env?: Record<string, string>) {
  return (await execa(python, [path.join(root, script), ...args], env ? { env } : {})).stdout;
}

// A random-weight bundle made with the real exporter, kept in the work folder.
export async function ensureRandomBundle(
  work: string,
  backbone: string,
  size: number,
  seed: number,
): Promise<string> {
  const dir = path.join(work, `random-${backbone}-${size}`);
  if (!existsSync(path.join(dir, 'manifest.json'))) {
    await runPython('test/fixtures/qs/make_random_bundle.py', [
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

// Seeded random weights of a bundle's architecture (backbone, embedding size), for torch.
export async function ensureRandomCheckpoint(
  work: string,
  bundle: QsBundle,
  seed: number,
): Promise<string> {
  const { backbone, embeddingSize } = bundle.manifest;
  const stem = backbone.replace(/[^\w.-]+/g, '_');
  const file = path.join(work, `random-${stem}-e${embeddingSize}-seed${seed}.pth`);
  if (!existsSync(file)) {
    await runPython('tools/qs/make_random_checkpoint.py', [
      '--out',
      file,
      '--backbone',
      backbone,
      '--embedding-size',
      String(embeddingSize),
      '--seed',
      String(seed),
    ]);
  }
  return file;
}

// What the torch reference path reports: the best round's seconds, its slices, torch's
// thread count and the per-organ scores.
export interface TorchRun {
  wallSeconds: number;
  cpuSeconds: number;
  slices: number;
  threads: number;
  scores: Record<string, number | null>;
}

// Times the torch reference path on a CT and its masks folder with OMP_NUM_THREADS=threads.
export async function runTorchPath(options: {
  bundle: string;
  checkpoint: string;
  image: string;
  segmentations: string;
  organs: Set<string> | undefined;
  repeat: number;
  rounds: number;
  threads: number;
}): Promise<TorchRun> {
  const args = [
    '--bundle',
    options.bundle,
    '--checkpoint',
    options.checkpoint,
    '--image',
    options.image,
    '--segmentations',
    options.segmentations,
    '--repeat',
    String(options.repeat),
    '--rounds',
    String(options.rounds),
  ];
  if (options.organs) args.push('--organs', [...options.organs].join(','));
  const env = { OMP_NUM_THREADS: String(options.threads), OMP_WAIT_POLICY: 'PASSIVE' };
  return JSON.parse(await runPython('bench/qs-reference-path.py', args, env)) as TorchRun;
}
