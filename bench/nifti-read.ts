// readNifti against nibabel on a generated 512 x 512 x 300 int16 CT-like .nii.gz: each decodes
// the same file in its own process; prints MB/s (raw voxel bytes) and peak RSS, and the ratios.
//   npm run bench:nifti-read [-- --repeats 3]

import { existsSync, mkdirSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { readNifti } from '../src/volume/read-nifti.js';
import { writeNifti } from '../src/volume/write-nifti.js';
import { procStatusBytes, runChildJson } from './child-peak-rss.js';

const DIMS = [512, 512, 300];
const RAW_BYTES = DIMS.reduce((a, b) => a * b, 1) * 2;
const root = fileURLToPath(new URL('../../', import.meta.url));
const file = `${root}.bench/ct-512x512x300-int16.nii.gz`;

interface Run {
  seconds: number;
  peakRss: number;
  baselineRss: number;
  checksum: number;
}

// The child side: decode once and report timing and this process's peak RSS.
async function child(path: string): Promise<void> {
  const baselineRss = procStatusBytes('VmRSS');
  const start = performance.now();
  const volume = await readNifti(path);
  const seconds = (performance.now() - start) / 1000;
  let checksum = 0;
  for (let i = 0; i < volume.data.length; i++) checksum += volume.data[i]!;
  process.stdout.write(
    JSON.stringify({ seconds, peakRss: procStatusBytes('VmHWM'), baselineRss, checksum }),
  );
}

// A CT-like phantom: air, a body ellipse of soft tissue with noise, lungs, a spine, fat rim.
async function makePhantom(): Promise<void> {
  const [nx, ny, nz] = DIMS as [number, number, number];
  const data = new Int16Array(nx * ny * nz);
  let seed = 7;
  const noise = () => {
    seed = (seed * 1664525 + 1013904223) >>> 0;
    return ((seed >>> 16) % 41) - 20;
  };
  for (let k = 0; k < nz; k++) {
    const lungs = k > nz * 0.55;
    for (let j = 0; j < ny; j++) {
      for (let i = 0; i < nx; i++) {
        const x = (i - 256) / 200;
        const y = (j - 256) / 140;
        const r = x * x + y * y;
        let hu = -1000;
        if (r < 1) hu = r > 0.85 ? -100 : 40;
        if (lungs && r < 0.8 && Math.abs(Math.abs(x) - 0.45) < 0.3 && Math.abs(y) < 0.6) hu = -850;
        if ((i - 256) ** 2 + (j - 330) ** 2 < 400) hu = 700;
        data[i + nx * (j + ny * k)] = hu === -1000 ? hu + (noise() >> 2) : hu + noise();
      }
    }
  }
  const affine = [
    [0.78, 0, 0, -200],
    [0, 0.78, 0, -200],
    [0, 0, 1.5, -450],
    [0, 0, 0, 1],
  ] as [
    [number, number, number, number],
    [number, number, number, number],
    [number, number, number, number],
    [number, number, number, number],
  ];
  mkdirSync(`${root}.bench`, { recursive: true });
  await writeNifti(file, {
    dims: DIMS,
    datatype: 'int16',
    data,
    spacing: [0.78, 0.78, 1.5],
    affine,
    sclSlope: 1,
    sclInter: 0,
  });
}

function best(label: string, argv: string[], repeats: number): Run {
  const runs = Array.from({ length: repeats }, () => runChildJson<Run>(argv));
  const fastest = runs.reduce((a, b) => (b.seconds < a.seconds ? b : a));
  const peak = Math.max(...runs.map((r) => r.peakRss));
  console.log(
    `${label.padEnd(9)} ${(RAW_BYTES / 1e6 / fastest.seconds).toFixed(0).padStart(6)} MB/s  ${fastest.seconds.toFixed(3)} s (best of ${repeats})  peak RSS ${(peak / 1e6).toFixed(0)} MB (${(peak / RAW_BYTES).toFixed(2)}x raw; ${(fastest.baselineRss / 1e6).toFixed(0)} MB before decoding)`,
  );
  return { ...fastest, peakRss: peak };
}

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    options: { child: { type: 'boolean' }, repeats: { type: 'string', default: '3' } },
    allowPositionals: true,
  });
  if (values.child) return child(positionals[0]!);
  if (!existsSync(file)) {
    console.log(`generating ${file} ...`);
    await makePhantom();
  }
  const repeats = Number(values.repeats);
  console.log(
    `${file}: ${DIMS.join(' x ')} int16, ${(RAW_BYTES / 1e6).toFixed(0)} MB raw, ${(statSync(file).size / 1e6).toFixed(0)} MB gzipped`,
  );
  const ours = best(
    'readNifti',
    [process.execPath, fileURLToPath(import.meta.url), '--child', file],
    repeats,
  );
  const py = fileURLToPath(new URL('../../bench/nifti-read-nibabel.py', import.meta.url));
  const nib = best('nibabel', ['/usr/bin/python3', py, file], repeats);
  if (ours.checksum !== nib.checksum)
    throw new Error(`checksums differ: ${ours.checksum} vs ${nib.checksum}`);
  console.log(
    `speed ratio (readNifti / nibabel): ${(nib.seconds / ours.seconds).toFixed(2)}x   (target >= 1)`,
  );
  console.log(
    `peak RSS ratio (readNifti / nibabel): ${(ours.peakRss / nib.peakRss).toFixed(2)}x;  readNifti peak / raw voxel bytes: ${(ours.peakRss / RAW_BYTES).toFixed(2)}x (target < 1.5)`,
  );
}

await main();
