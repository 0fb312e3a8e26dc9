import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PNG } from 'pngjs';
import { OUTLINE_COLOURS, THUMBNAIL_SIZE, drawThumbnail } from '../../src/report/draw-thumbnail.js';
import { loadRun } from '../../src/report/load-run.js';
import { findPseudoLabels } from '../../src/report/pseudo-labels.js';
import { pickedByText } from '../../src/report/worklist-text.js';
import { drawWorklistThumbnails } from '../../src/report/worklist-thumbnails.js';
import { buildWorklist } from '../../src/report/worklist.js';
import type { Affine } from '../../src/volume/index.js';
import { readLabelMap } from '../../src/volume/index.js';
import { makeReportRun } from './report-fixture.js';

const RAS: Affine = [
  [2, 0, 0, 0],
  [0, 2, 0, 0],
  [0, 0, 3, 0],
  [0, 0, 0, 1],
];

function pixel(png: PNG, x: number, y: number): number[] {
  const p = 4 * (y * png.width + x);
  return [png.data[p]!, png.data[p + 1]!, png.data[p + 2]!];
}

test('the thumbnail: CT in the -200..200 window, the organ outlined, radiological view', () => {
  const nx = 40;
  const ny = 40;
  const ct = new Float32Array(nx * ny);
  const labels = new Uint8Array(nx * ny);
  for (let j = 0; j < ny; j++) {
    for (let i = 0; i < nx; i++) {
      // 1000 HU (white) on the patient's right (high i in RAS), -1000 HU (black) posterior
      ct[j * nx + i] = i >= 34 ? 1000 : j < 1 ? -1000 : 0;
      // organ 3 at low i (patient's left), large enough that the crop is the whole slice
      if (i >= 2 && i < 14 && j >= 2 && j < 30) labels[j * nx + i] = 3;
    }
  }
  const png = PNG.sync.read(
    drawThumbnail({ nx, ny, ct, labels, value: 3, spacing: [2, 2, 3], affine: RAS }),
  );
  assert.deepEqual([png.width, png.height], [THUMBNAIL_SIZE, THUMBNAIL_SIZE]);
  const amber = [255, 196, 0].join();
  let outline = 0;
  let onRight = 0;
  for (let y = 0; y < png.height; y++) {
    for (let x = 0; x < png.width; x++) {
      if (pixel(png, x, y).join() !== amber) continue;
      outline++;
      if (x >= png.width / 2) onRight++;
    }
  }
  assert.ok(outline > 100, `an outline is drawn (${outline} px)`);
  assert.equal(onRight, outline, "the patient's left is on the image's right");
  assert.deepEqual(
    pixel(png, 2, 80),
    [255, 255, 255],
    "the patient's right on the image's left, windowed to white",
  );
  assert.deepEqual(
    pixel(png, 80, THUMBNAIL_SIZE - 1),
    [0, 0, 0],
    'posterior at the bottom, windowed to black',
  );
  assert.deepEqual(pixel(png, 60, 80), [128, 128, 128], '0 HU is mid-gray');
});

// The columns and rows the amber outline covers: [min x, max x, min y, max y].
function outlineBox(png: PNG): [number, number, number, number] {
  const box: [number, number, number, number] = [png.width, -1, png.height, -1];
  for (let y = 0; y < png.height; y++) {
    for (let x = 0; x < png.width; x++) {
      if (pixel(png, x, y).join() !== '255,196,0') continue;
      box[0] = Math.min(box[0], x);
      box[1] = Math.max(box[1], x);
      box[2] = Math.min(box[2], y);
      box[3] = Math.max(box[3], y);
    }
  }
  return box;
}

test('a small organ on a large slice: a fixed-size picture with 160 mm of context around it', () => {
  // a 400 mm slice (0.8 mm voxels) and a 8 mm organ: shown in a 160 mm view, about 10 px wide
  const n = 500;
  const labels = new Uint8Array(n * n);
  for (let j = 245; j < 255; j++) for (let i = 245; i < 255; i++) labels[j * n + i] = 1;
  const png = PNG.sync.read(
    drawThumbnail({
      nx: n,
      ny: n,
      ct: new Float32Array(n * n),
      labels,
      value: 1,
      spacing: [0.8, 0.8, 2],
      affine: RAS,
    }),
  );
  assert.deepEqual([png.width, png.height], [THUMBNAIL_SIZE, THUMBNAIL_SIZE]);
  const [x0, x1, y0, y1] = outlineBox(png);
  const width = x1 - x0 + 1;
  assert.ok(width >= 9 && width <= 14, `8 mm of 160 mm across 200 px: ${width} px`);
  assert.ok(Math.abs((x0 + x1) / 2 - 100) <= 2 && Math.abs((y0 + y1) / 2 - 100) <= 2, 'centred');
});

test('an organ at the edge of the slice: the view stays on the slice (no black border)', () => {
  const n = 200;
  const ct = new Float32Array(n * n);
  const labels = new Uint8Array(n * n);
  for (let j = 0; j < 6; j++) for (let i = 0; i < 6; i++) labels[j * n + i] = 1;
  const png = PNG.sync.read(
    drawThumbnail({ nx: n, ny: n, ct, labels, value: 1, spacing: [1, 1, 1], affine: RAS }),
  );
  assert.deepEqual([png.width, png.height], [THUMBNAIL_SIZE, THUMBNAIL_SIZE]);
  for (const [x, y] of [
    [0, 0],
    [199, 0],
    [0, 199],
    [199, 199],
  ] as const)
    assert.notDeepEqual(pixel(png, x, y), [0, 0, 0], `corner ${x},${y} shows the slice (0 HU)`);
  const [x0, , y0] = outlineBox(png);
  assert.ok(x0 > 150 && y0 > 150, 'the organ (low i, low j) lies in the lower right corner');
});

test('with the ground truth: its outline in cyan, the pseudo label in amber, both in view', () => {
  const n = 100;
  const labels = new Uint8Array(n * n);
  const truth = new Uint8Array(n * n);
  for (let j = 40; j < 50; j++) for (let i = 20; i < 30; i++) labels[j * n + i] = 4;
  for (let j = 40; j < 50; j++) for (let i = 70; i < 80; i++) truth[j * n + i] = 4;
  const png = PNG.sync.read(
    drawThumbnail({
      nx: n,
      ny: n,
      ct: new Float32Array(n * n),
      labels,
      truth,
      value: 4,
      spacing: [1, 1, 1],
      affine: RAS,
    }),
  );
  const count = (colour: readonly number[]) => {
    let k = 0;
    for (let y = 0; y < png.height; y++)
      for (let x = 0; x < png.width; x++) if (pixel(png, x, y).join() === colour.join()) k++;
    return k;
  };
  assert.ok(count(OUTLINE_COLOURS.label) > 50, 'the pseudo label is outlined');
  assert.ok(count(OUTLINE_COLOURS.truth) > 50, 'the ground truth, 50 mm away, is outlined too');
});

test("the worklist: the cases each method's selection revised, worst organs with true Dice", async () => {
  const run = loadRun(await makeReportRun());
  const worklist = buildWorklist(run, 20);
  assert.ok(worklist.available);
  assert.deepEqual([worklist.seed, worklist.budget, worklist.rankedBy], [0, 2, 'qs']);
  // budget 2, seed 0: qs, entropy and the oracle pick cases 3 and 1, random cases 2 and 1
  assert.deepEqual(
    worklist.entries.map((e) => `${e.rank} ${e.caseId}: ${pickedByText(e)}`),
    [
      '1 phantom_0003: qs #1, entropy #1, oracle #1',
      '2 phantom_0001: qs #2, entropy #2, random #2, oracle #2',
      '3 phantom_0002: random #1',
    ],
  );
  const [worst] = worklist.entries;
  assert.deepEqual(
    worst?.organs.map((o) => [o.organ, o.trueDice, o.worstSlice]),
    [
      ['liver', 0.4, 14],
      ['spleen', 0.86, null],
      ['gallbladder', 0.93, null],
    ],
  );
  assert.ok(Math.abs((worst?.trueDice ?? 0) - (0.4 + 0.86 + 0.93) / 3) < 1e-9, 'case true Dice');
  const first = buildWorklist(run, 1);
  assert.ok(first.available);
  assert.deepEqual(
    first.entries.map((e) => `${e.caseId}: ${pickedByText(e)}`),
    ['phantom_0003: qs #1, entropy #1, oracle #1', 'phantom_0002: random #1'],
    "each method's first pick",
  );
});

test('without selections (none recorded yet) the worklist says why', async () => {
  const run = loadRun(await makeReportRun());
  const worklist = buildWorklist({ ...run, selections: [] }, 20);
  assert.equal(worklist.available, false);
  assert.match(!worklist.available ? worklist.note : '', /no selection recorded yet/);
});

test('worklist thumbnails: the worst organ at its recorded worst slice, else its largest slice', async () => {
  const run = loadRun(await makeReportRun());
  const worklist = buildWorklist(run, 20);
  assert.ok(worklist.available);
  const thumbnails = await drawWorklistThumbnails(run, worklist.entries);
  assert.deepEqual(
    thumbnails.map((t) => t.ok && t.organ),
    worklist.entries.map((e) => e.organs[0]?.organ),
  );
  assert.equal(thumbnails[0]?.ok && thumbnails[0].slice, 14);
  // phantom_0001's worst organ is its spleen (label 2), no worst slice recorded: the slice
  // with the most spleen voxels in its pseudo label
  assert.equal(worklist.entries[1]?.organs[0]?.organ, 'spleen');
  const mask = findPseudoLabels(run, 0)?.masks.get('phantom_0001');
  assert.ok(mask);
  const volume = await readLabelMap(mask);
  const [nx = 1, ny = 1, nz = 1] = volume.dims;
  const counts = Array.from({ length: nz }, (_, z) => {
    let n = 0;
    for (let i = z * nx * ny; i < (z + 1) * nx * ny; i++) if (volume.data[i] === 2) n++;
    return n;
  });
  assert.equal(thumbnails[1]?.ok && thumbnails[1].slice, counts.indexOf(Math.max(...counts)));
  for (const t of thumbnails) {
    assert.ok(t.ok);
    const png = PNG.sync.read(t.png);
    assert.deepEqual([png.width, png.height], [THUMBNAIL_SIZE, THUMBNAIL_SIZE], 'one size for all');
  }
});

test('a missing pseudo label gives a note, not an error', async () => {
  const run = loadRun(await makeReportRun());
  const worklist = buildWorklist(run, 1);
  assert.ok(worklist.available);
  const broken = { ...run, jobs: run.jobs.filter((j) => j.key !== 'predict/pool/m0') };
  const [thumbnail] = await drawWorklistThumbnails(broken, worklist.entries);
  assert.deepEqual(thumbnail, { ok: false, note: 'the pool predict job is not done' });
});
