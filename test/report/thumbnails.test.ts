import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PNG } from 'pngjs';
import { drawThumbnail } from '../../src/report/draw-thumbnail.js';
import { loadRun } from '../../src/report/load-run.js';
import { findPseudoLabels } from '../../src/report/pseudo-labels.js';
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
  assert.deepEqual([png.width, png.height], [160, 160]);
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
  assert.deepEqual(pixel(png, 80, 159), [0, 0, 0], 'posterior at the bottom, windowed to black');
  assert.deepEqual(pixel(png, 60, 80), [128, 128, 128], '0 HU is mid-gray');
});

test('the thumbnail crops around a small organ', () => {
  const nx = 64;
  const ny = 64;
  const labels = new Uint8Array(nx * ny);
  for (let j = 30; j < 34; j++) for (let i = 30; i < 34; i++) labels[j * nx + i] = 1;
  const png = PNG.sync.read(
    drawThumbnail({
      nx,
      ny,
      ct: new Float32Array(nx * ny),
      labels,
      value: 1,
      spacing: [1, 1, 1],
      affine: RAS,
    }),
  );
  let outline = 0;
  for (let y = 0; y < png.height; y++)
    for (let x = 0; x < png.width; x++) if (pixel(png, x, y).join() === '255,196,0') outline++;
  // a 4 mm organ in a (2 x 4 + 20) mm crop drawn 160 px wide: about 23 px a side, not 10
  assert.ok(outline > 4 * 2 * 18, `the organ fills part of the picture (${outline} px of outline)`);
});

test('worklist thumbnails: the recorded worst slice, else the largest slice of the pseudo label', async () => {
  const run = loadRun(await makeReportRun());
  const worklist = buildWorklist(run, 3);
  assert.ok(worklist.available);
  assert.deepEqual(
    worklist.entries.map((e) => `${e.caseId}/${e.organ}/${e.worstSlice}`),
    ['phantom_0003/liver/14', 'phantom_0001/spleen/null', 'phantom_0002/gallbladder/null'],
  );
  assert.deepEqual(
    worklist.entries.map((e) => e.trueDice),
    [0.4, 0.55, 0.7],
  );
  const thumbnails = await drawWorklistThumbnails(run, worklist.entries);
  assert.ok(thumbnails.every((t) => t.ok));
  assert.equal(thumbnails[0]?.ok && thumbnails[0].slice, 14);
  // the spleen (label 2) of phantom_0001: the slice with the most spleen voxels in its pseudo label
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
  for (const t of thumbnails) if (t.ok) assert.ok(PNG.sync.read(t.png).width > 0);
});

test('a missing pseudo label gives a note, not an error', async () => {
  const run = loadRun(await makeReportRun());
  const worklist = buildWorklist(run, 1);
  assert.ok(worklist.available);
  const broken = { ...run, jobs: run.jobs.filter((j) => j.key !== 'predict/pool/m0') };
  const [thumbnail] = await drawWorklistThumbnails(broken, worklist.entries);
  assert.deepEqual(thumbnail, { ok: false, note: 'the pool predict job is not done' });
});
