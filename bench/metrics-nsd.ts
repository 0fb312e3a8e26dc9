// Dice + NSD for 9 organs on a generated 512 x 512 x 300 label-map pair, in TypeScript and in
// the scipy reference (tools/reference/metrics_reference.py) on the same input, same run.
//   npm run bench:metrics [-- --repeats 3 --tolerance 1 --no-python]

import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { median } from 'simple-statistics';
import { metricsPerLabel } from '../src/metrics/label-metrics.js';

const dims = [512, 512, 300] as const;
const spacing = [0.78, 0.78, 1.5] as const;

// name, label, centre (voxels), radii (mm)
const organs = [
  ['liver', 1, [180, 230, 150], [90, 75, 80]],
  ['spleen', 2, [360, 300, 160], [50, 35, 55]],
  ['kidney_right', 3, [190, 330, 120], [30, 28, 50]],
  ['kidney_left', 4, [330, 340, 125], [30, 28, 50]],
  ['pancreas', 5, [270, 270, 170], [60, 14, 20]],
  ['stomach', 6, [320, 220, 190], [55, 40, 50]],
  ['aorta', 7, [260, 300, 150], [12, 12, 180]],
  ['gallbladder', 8, [210, 200, 140], [18, 14, 30]],
  ['esophagus', 9, [250, 290, 260], [8, 8, 60]],
] as const;

// Paints an ellipsoid whose radius wobbles with direction (amplitude `wobble`), shifted by
// `shift` voxels: the prediction is a deformed copy of the truth.
function paintOrgan(
  map: Uint8Array,
  label: number,
  centre: readonly number[],
  radiiMm: readonly number[],
  shift: readonly number[],
  scale: number,
  wobble: number,
): void {
  const [nx, ny, nz] = dims;
  const r = radiiMm.map((mm, a) => (mm * scale) / spacing[a as 0 | 1 | 2]);
  const c = centre.map((v, a) => v + shift[a]!);
  const reach = r.map((v) => Math.ceil(v * (1 + wobble)) + 1);
  for (let z = Math.max(0, c[2]! - reach[2]!); z <= Math.min(nz - 1, c[2]! + reach[2]!); z++) {
    for (let y = Math.max(0, c[1]! - reach[1]!); y <= Math.min(ny - 1, c[1]! + reach[1]!); y++) {
      const row = (z * ny + y) * nx;
      for (let x = Math.max(0, c[0]! - reach[0]!); x <= Math.min(nx - 1, c[0]! + reach[0]!); x++) {
        const u = (x - c[0]!) / r[0]!;
        const v = (y - c[1]!) / r[1]!;
        const w = (z - c[2]!) / r[2]!;
        const limit = 1 + wobble * Math.sin(3 * Math.atan2(v, u)) * Math.cos(2 * w);
        if (u * u + v * v + w * w <= limit * limit) map[row + x] = label;
      }
    }
  }
}

function makePair(): { truth: Uint8Array; pred: Uint8Array } {
  const size = dims[0] * dims[1] * dims[2];
  const truth = new Uint8Array(size);
  const pred = new Uint8Array(size);
  organs.forEach(([, label, centre, radii], i) => {
    paintOrgan(truth, label, centre, radii, [0, 0, 0], 1, 0.04);
    const shift = [(i % 3) - 1, ((i + 1) % 3) - 1, (i % 2) * 2 - 1];
    paintOrgan(pred, label, centre, radii, shift, 0.95 + 0.02 * (i % 5), 0.08);
  });
  return { truth, pred };
}

function main(): void {
  const { values } = parseArgs({
    options: {
      repeats: { type: 'string', default: '3' },
      tolerance: { type: 'string', default: '1' },
      'no-python': { type: 'boolean', default: false },
    },
  });
  const repeats = Number(values.repeats);
  const tolerance = Number(values.tolerance);
  const labels = organs.map(([, label]) => label as number);

  let start = performance.now();
  const { truth, pred } = makePair();
  console.log(`grid ${dims.join('x')}, spacing ${spacing.join('x')} mm, ${organs.length} organs`);
  console.log(`generated the pair in ${((performance.now() - start) / 1000).toFixed(2)} s`);

  const seconds: number[] = [];
  let ours = metricsPerLabel(pred, truth, dims, spacing, labels, { tolerance });
  for (let r = 0; r < repeats; r++) {
    start = performance.now();
    ours = metricsPerLabel(pred, truth, dims, spacing, labels, { tolerance });
    seconds.push((performance.now() - start) / 1000);
  }
  const tsSeconds = median(seconds);

  for (const [name, label] of organs) {
    const m = ours.get(label)!;
    console.log(
      `  ${name.padEnd(13)} voxels ${String(m.truthVoxels).padStart(8)}  ` +
        `DSC ${m.dsc.toFixed(4)}  NSD@${tolerance}mm ${m.nsd.toFixed(4)}`,
    );
  }
  console.log(`TypeScript metricsPerLabel: ${tsSeconds.toFixed(3)} s (median of ${repeats})`);
  if (values['no-python']) return;

  const dir = mkdtempSync(join(tmpdir(), 'bench-metrics-'));
  try {
    writeFileSync(join(dir, 'pred.raw'), pred);
    writeFileSync(join(dir, 'truth.raw'), truth);
    const script = fileURLToPath(
      new URL('../../tools/reference/metrics_reference.py', import.meta.url),
    );
    start = performance.now();
    const out = execFileSync(
      '/usr/bin/python3',
      [
        script,
        'labels',
        '--pred',
        join(dir, 'pred.raw'),
        '--truth',
        join(dir, 'truth.raw'),
        '--dims',
        ...dims.map(String),
        '--spacing',
        ...spacing.map(String),
        '--labels',
        ...labels.map(String),
        '--tolerance',
        String(tolerance),
      ],
      { encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 },
    );
    const wall = (performance.now() - start) / 1000;
    const ref = JSON.parse(out) as {
      labels: Record<string, { dsc: number; nsd: number }>;
      seconds: number;
    };
    let worst = 0;
    for (const label of labels) {
      const r = ref.labels[String(label)]!;
      const m = ours.get(label)!;
      worst = Math.max(worst, Math.abs(m.dsc - r.dsc), Math.abs(m.nsd - r.nsd));
    }
    console.log(
      'scipy reference (numpy + distance_transform_edt on the union box, as MONAI): ' +
        `${ref.seconds.toFixed(3)} s compute, ${wall.toFixed(2)} s with start-up and reading`,
    );
    console.log(`speed-up: ${(ref.seconds / tsSeconds).toFixed(2)}x (scipy compute / TypeScript)`);
    console.log(`max |difference| of DSC and NSD against scipy: ${worst.toExponential(2)}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main();
