// The measured processes of bench:paper-scale, one step each (see paper-scale.ts):
//   mask OUT DEPTH IMAGE           the pseudo label and its image (shared; not a method cost)
//   probabilities OUT DEPTH N      one 4D float32 probability map (file path; N = 0: the plain
//                                  prediction, N = t + 1: MC pass t)
//   fused-entropy OUT DEPTH        the entropy map, computed voxel by voxel (fused path)
//   fused-mc OUT DEPTH T           the MC-std map over T passes, voxel by voxel (fused path)
//   score METHOD MASK [FILE...]    a strategy scoring the case (entropy, mc-dropout: from files
//                                  or, with --fused, from one map; quality-sentinel)
// Each prints one JSON line: its /proc/self/io counters (and the scores, for score).

import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import entropy from '../strategies/entropy.js';
import mcDropout from '../strategies/mc-dropout.js';
import qualitySentinel from '../strategies/quality-sentinel.js';
import type { PoolCase, Strategy } from '../strategies/strategy.js';
import {
  CHANNELS,
  ORGANS,
  SLICE,
  expLogit,
  expLogits,
  openNiftiStream,
  organAt,
} from './paper-scale-case.js';

const SLICE_VOXELS = SLICE * SLICE;

// Organ names: the first nine are the ones the shipped QS bundle (models/qs-phantom) knows, so
// QS scores those; the rest are placeholders it leaves unscored.
const QS_ORGANS = [
  'liver',
  'spleen',
  'kidney_left',
  'kidney_right',
  'pancreas',
  'gallbladder',
  'stomach',
  'aorta',
  'inferior_vena_cava',
];
export const CLASSES: Record<string, string> = Object.fromEntries(
  Array.from({ length: ORGANS }, (_, i) => [
    String(i + 1),
    QS_ORGANS[i] ?? `organ_${String(i + 1).padStart(3, '0')}`,
  ]),
);

function procIo(): Record<string, number> {
  const fields = readFileSync('/proc/self/io', 'utf8').trim().split('\n');
  return Object.fromEntries(fields.map((l) => [l.split(':')[0]!, Number(l.split(':')[1])]));
}

// The pseudo label and a CT-like image (HU: -1000 air, organs 31..134, fat -100 between).
async function writeMask(out: string, depth: number, imagePath: string): Promise<void> {
  const file = await openNiftiStream(out, [SLICE, SLICE, depth], 'uint8');
  const image = await openNiftiStream(imagePath, [SLICE, SLICE, depth], 'float32');
  const slice = new Uint8Array(SLICE_VOXELS);
  const hu = new Float32Array(SLICE_VOXELS);
  for (let k = 0; k < depth; k++) {
    for (let y = 0, i = 0; y < SLICE; y++) {
      for (let x = 0; x < SLICE; x++, i++) {
        const organ = organAt(x, y, k);
        slice[i] = organ;
        const body = (x - 256) ** 2 / 220 ** 2 + (y - 256) ** 2 / 180 ** 2 < 1;
        hu[i] = organ > 0 ? 30 + organ : body ? -100 : -1000;
      }
    }
    await file.write(slice);
    await image.write(hu);
  }
  await file.close();
  await image.close();
}

// The file path's engine side: normalisers of every voxel first, then class by class (the
// NIfTI 4D order), slice by slice.
async function writeProbabilities(out: string, depth: number, pass: number): Promise<void> {
  const voxels = SLICE_VOXELS * depth;
  const z = new Float64Array(voxels);
  const e = new Float64Array(CHANNELS);
  for (let v = 0; v < voxels; v++) z[v] = expLogits(v, organOf(v), pass, e);
  const file = await openNiftiStream(out, [SLICE, SLICE, depth, CHANNELS], 'float32');
  const slice = new Float32Array(SLICE_VOXELS);
  for (let c = 0; c < CHANNELS; c++) {
    for (let k = 0; k < depth; k++) {
      for (let i = 0; i < SLICE_VOXELS; i++) {
        const v = k * SLICE_VOXELS + i;
        slice[i] = expLogit(v, organOf(v), pass, c) / z[v]!;
      }
      await file.write(slice);
    }
  }
  await file.close();
}

function organOf(v: number): number {
  const k = Math.floor(v / SLICE_VOXELS);
  const i = v - k * SLICE_VOXELS;
  return organAt(i % SLICE, Math.floor(i / SLICE), k);
}

// The fused path's engine side: every voxel's value from its own probabilities, as stored
// (float32), written slice by slice; nothing but a slice and one voxel's classes held.
async function writeFused(out: string, depth: number, passes: number): Promise<void> {
  const file = await openNiftiStream(out, [SLICE, SLICE, depth], 'float32');
  const slice = new Float32Array(SLICE_VOXELS);
  const e = new Float64Array(CHANNELS);
  const sum = new Float64Array(CHANNELS);
  const squares = new Float64Array(CHANNELS);
  for (let k = 0; k < depth; k++) {
    for (let i = 0; i < SLICE_VOXELS; i++) {
      const v = k * SLICE_VOXELS + i;
      const organ = organOf(v);
      if (passes === 0) {
        const z = expLogits(v, organ, -1, e);
        let h = 0;
        for (let c = 0; c < CHANNELS; c++) {
          const p = Math.fround(e[c]! / z);
          h += p > 0 ? -p * Math.log(p) : 0;
        }
        slice[i] = h;
        continue;
      }
      sum.fill(0);
      squares.fill(0);
      for (let t = 0; t < passes; t++) {
        const z = expLogits(v, organ, t, e);
        for (let c = 0; c < CHANNELS; c++) {
          const p = Math.fround(e[c]! / z);
          sum[c]! += p;
          squares[c]! += p * p;
        }
      }
      let spread = 0;
      for (let c = 0; c < CHANNELS; c++) {
        const mean = sum[c]! / passes;
        spread += Math.sqrt(Math.max(0, squares[c]! / passes - mean * mean)) / CHANNELS;
      }
      slice[i] = spread;
    }
    await file.write(slice);
  }
  await file.close();
}

async function score(
  method: string,
  mask: string,
  files: string[],
  fused: boolean,
  qsModel?: string,
) {
  const strategies: Record<string, Strategy> = {
    entropy,
    'mc-dropout': mcDropout,
    'quality-sentinel': qualitySentinel,
  };
  const strategy = strategies[method];
  if (!strategy) throw new Error(`unknown method ${method}`);
  const poolCase: PoolCase = { id: 'case', image: files[0] ?? '', mask };
  if (method === 'entropy') poolCase[fused ? 'entropyMap' : 'probabilities'] = files[0]!;
  if (method === 'mc-dropout') {
    if (fused) poolCase.mcStdMap = files[0]!;
    else poolCase.mcSamples = files;
  }
  const context = {
    classes: CLASSES,
    seed: 0,
    options: qsModel ? { qsModel } : {},
    warn: () => {},
  };
  const [result] = await strategy.score([poolCase], context);
  return { caseScore: result?.caseScore ?? null, organs: result?.organs.map((o) => o.score) ?? [] };
}

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    options: { fused: { type: 'boolean' }, 'qs-model': { type: 'string' } },
    allowPositionals: true,
  });
  const [step, a = '', b = '', c = ''] = positionals;
  let scores: unknown;
  if (step === 'mask') await writeMask(a, Number(b), c);
  else if (step === 'probabilities') await writeProbabilities(a, Number(b), Number(c) - 1);
  else if (step === 'fused-entropy') await writeFused(a, Number(b), 0);
  else if (step === 'fused-mc') await writeFused(a, Number(b), Number(c));
  else if (step === 'noop') {
    // a process that only starts: the fixed cost of every step (Node, the modules it loads)
  } else if (step === 'score')
    scores = await score(a, b, positionals.slice(3), values.fused ?? false, values['qs-model']);
  else throw new Error(`unknown step ${step}`);
  process.stdout.write(`${JSON.stringify({ io: procIo(), scores })}\n`);
}

await main();
