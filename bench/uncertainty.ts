// bench:uncertainty: peak RSS and seconds of the entropy and MC-dropout strategies on a pseudo
// label + NIfTI 4D float32 probability maps (10 classes; one map for entropy, T for MC dropout)
// at a base grid and at 8x its voxels, each scored in its own process (peak RSS = that
// process's VmHWM). Next to them, the numpy reference (tools/reference/uncertainty_reference.py,
// which loads every map whole) on the same files in the same run, and the largest score
// difference between the two. Inputs are generated once under .bench/uncertainty/.
//
//   npm run bench:uncertainty -- [--base 128x128x64] [--samples 3] [--repeats 1] [--skip-numpy]
//
// Target (issue 4): our peak RSS at 8x the voxels within 20% of the base size's.

import { statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import entropy from '../strategies/entropy.js';
import mcDropout from '../strategies/mc-dropout.js';
import type { CaseScores, PoolCase } from '../strategies/strategy.js';
import { procStatusBytes, runChildJson } from './child-peak-rss.js';
import {
  CLASSES,
  CLASS_COUNT,
  type UncertaintyFiles,
  ensureUncertaintyFiles,
} from './uncertainty-volumes.js';

type Method = 'entropy' | 'mc-dropout';

interface Run {
  seconds: number;
  peakRss: number;
  baselineRss: number;
  scores: { case: number | null; organs: Record<string, number | null> };
}

const root = fileURLToPath(new URL('../../', import.meta.url));
const dir = `${root}.bench/uncertainty`;
const python = '/usr/bin/python3';
const numpyChild = `${root}bench/uncertainty-numpy.py`;

// The child side: score one case with one strategy, then report seconds, peak RSS and scores.
async function child(method: Method, mask: string, maps: string[]): Promise<void> {
  const baselineRss = procStatusBytes('VmRSS');
  const poolCase: PoolCase =
    method === 'entropy'
      ? { id: 'bench', image: '', mask, probabilities: maps[0]! }
      : { id: 'bench', image: '', mask, mcSamples: maps };
  const strategy = method === 'entropy' ? entropy : mcDropout;
  const context = { classes: CLASSES, seed: 0, options: {}, warn: () => {} };
  const start = performance.now();
  const [result] = await strategy.score([poolCase], context);
  const seconds = (performance.now() - start) / 1000;
  const run: Run = {
    seconds,
    peakRss: procStatusBytes('VmHWM'),
    baselineRss,
    scores: toScores(result!),
  };
  process.stdout.write(JSON.stringify(run));
}

function toScores(result: CaseScores): Run['scores'] {
  const organs = Object.fromEntries(result.organs.map((o) => [o.organ, o.score]));
  return { case: result.caseScore ?? null, organs };
}

// Fastest seconds and highest peak RSS over the repeats.
function best(argv: string[], repeats: number): Run {
  const runs = Array.from({ length: repeats }, () => runChildJson<Run>(argv));
  const fastest = runs.reduce((a, b) => (b.seconds < a.seconds ? b : a));
  return { ...fastest, peakRss: Math.max(...runs.map((r) => r.peakRss)) };
}

function oursArgv(method: Method, files: UncertaintyFiles): string[] {
  const maps = method === 'entropy' ? [files.softmax] : files.mcSamples;
  return [process.execPath, fileURLToPath(import.meta.url), '--child', method, files.mask, ...maps];
}

function numpyArgv(method: Method, files: UncertaintyFiles): string[] {
  const classes = JSON.stringify(CLASSES);
  return method === 'entropy'
    ? [python, numpyChild, 'entropy', files.mask, files.softmax, classes]
    : [python, numpyChild, 'mc-dropout', files.mask, classes, ...files.mcSamples];
}

function maxDifference(a: Run['scores'], b: Run['scores']): number {
  let max = Math.abs((a.case ?? 0) - (b.case ?? 0));
  for (const [organ, score] of Object.entries(a.organs)) {
    max = Math.max(max, Math.abs((score ?? 0) - (b.organs[organ] ?? 0)));
  }
  return max;
}

const mb = (bytes: number) => `${(bytes / 1e6).toFixed(0).padStart(6)} MB`;

function line(label: string, run: Run): string {
  return `${label.padEnd(7)} peak RSS ${mb(run.peakRss)} (${mb(run.baselineRss).trim()} before scoring)  ${run.seconds.toFixed(2).padStart(7)} s`;
}

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    options: {
      child: { type: 'string' },
      base: { type: 'string', default: '128x128x64' },
      samples: { type: 'string', default: '3' },
      repeats: { type: 'string', default: '1' },
      'skip-numpy': { type: 'boolean' },
    },
    allowPositionals: true,
  });
  if (values.child) return child(values.child as Method, positionals[0]!, positionals.slice(1));
  const base = values.base.split('x').map(Number) as [number, number, number];
  const large = base.map((d) => d * 2) as [number, number, number];
  const samples = Number(values.samples);
  const repeats = Number(values.repeats);
  const sizes = [
    await ensureUncertaintyFiles(dir, base, samples),
    await ensureUncertaintyFiles(dir, large, samples),
  ];
  for (const method of ['entropy', 'mc-dropout'] as const) {
    const maps = method === 'entropy' ? 1 : samples;
    console.log(
      `\n${method}: ${maps} float32 map(s) of ${CLASS_COUNT} classes + a uint8 label map`,
    );
    const ours: Run[] = [];
    const numpy: Run[] = [];
    for (const files of sizes) {
      const voxels = files.dims.reduce((a, b) => a * b, 1);
      const raw = voxels * CLASS_COUNT * 4 * maps;
      const gz = (method === 'entropy' ? [files.softmax] : files.mcSamples)
        .map((f) => statSync(f).size)
        .reduce((a, b) => a + b, 0);
      console.log(
        `  ${files.dims.join(' x ')}: ${(raw / 1e6).toFixed(0)} MB of probabilities raw, ${(gz / 1e6).toFixed(0)} MB gzipped`,
      );
      const run = best(oursArgv(method, files), repeats);
      ours.push(run);
      console.log(`    ${line('ours', run)}`);
      if (!values['skip-numpy']) {
        const peer = best(numpyArgv(method, files), repeats);
        numpy.push(peer);
        console.log(
          `    ${line('numpy', peer)}  max |score difference| ${maxDifference(run.scores, peer.scores).toExponential(1)}`,
        );
      }
    }
    const ratio = (runs: Run[]) => (runs[1]!.peakRss / runs[0]!.peakRss).toFixed(2);
    const numpyRatio = numpy.length === 2 ? `; numpy ${ratio(numpy)}x` : '';
    console.log(
      `  peak RSS at 8x the voxels / at the base size: ours ${ratio(ours)}x (target <= 1.20)${numpyRatio}`,
    );
  }
}

await main();
