import { type Canvas, Region } from './canvas.js';
import type { CaseSpec } from './case-spec.js';
import { blurNoiseGain, gaussianBlur } from './gaussian-blur.js';
import type { Random } from './random.js';

// Turns a painted canvas into a CT image: fine tissue texture, cupping, quantum noise, the
// partial-volume blur (which also correlates the noise), an occasional streak artifact, then rounding to int16 HU
// (clamped to the scanner's -1024..3071).
export function imageCanvas(canvas: Canvas, spec: CaseSpec, random: Random): Int16Array {
  const { hu, dims } = canvas;
  addTexture(canvas, spec.texture, random);
  if (spec.cupping > 0) addCupping(canvas, spec.cupping);
  // White noise added before the partial-volume blur comes out of it correlated, as CT noise
  // is; it is scaled up first so that its sd after the blur is the case's noise level.
  const sigma: [number, number, number] = [spec.blur[0], spec.blur[0], spec.blur[1]];
  const noiseBeforeBlur = spec.noise / blurNoiseGain(sigma);
  for (let v = 0; v < hu.length; v++) hu[v] = (hu[v] as number) + noiseBeforeBlur * random.normal();
  gaussianBlur(hu, dims, sigma);
  if (spec.streaks) addStreaks(canvas, spec, random);
  const image = new Int16Array(hu.length);
  for (let v = 0; v < hu.length; v++) {
    const value = Math.round(hu[v] as number);
    image[v] = value < -1024 ? -1024 : value > 3071 ? 3071 : value;
  }
  return image;
}

// Fine mottled tissue texture: smooth noise drawn on a grid of half the resolution (an eighth
// of the voxels, so it costs little) and added to everything but air.
function addTexture(canvas: Canvas, amplitude: number, random: Random): void {
  const [nx, ny, nz] = canvas.dims;
  const coarse: [number, number, number] = [
    Math.ceil(nx / 2),
    Math.ceil(ny / 2),
    Math.ceil(nz / 2),
  ];
  const texture = correlatedNoise(random, coarse, [0.6, 0.6, 0.6]);
  const { hu, region } = canvas;
  let v = 0;
  for (let k = 0; k < nz; k++) {
    for (let j = 0; j < ny; j++) {
      const row = ((k >> 1) * coarse[1] + (j >> 1)) * coarse[0];
      for (let i = 0; i < nx; i++, v++) {
        if (region[v] !== Region.air)
          hu[v] = (hu[v] as number) + amplitude * (texture[row + (i >> 1)] as number);
      }
    }
  }
}

// Gaussian noise blurred by `sigma` voxels and rescaled to unit standard deviation.
function correlatedNoise(
  random: Random,
  dims: [number, number, number],
  sigma: [number, number, number],
): Float32Array {
  const noise = new Float32Array(dims[0] * dims[1] * dims[2]);
  for (let v = 0; v < noise.length; v++) noise[v] = random.normal();
  gaussianBlur(noise, dims, sigma);
  let sumSquares = 0;
  for (let v = 0; v < noise.length; v++) sumSquares += (noise[v] as number) ** 2;
  const scale = 1 / Math.sqrt(sumSquares / noise.length || 1);
  for (let v = 0; v < noise.length; v++) noise[v] = (noise[v] as number) * scale;
  return noise;
}

// Beam-hardening cupping: the middle of the body a little darker than its rim.
function addCupping(canvas: Canvas, amplitude: number): void {
  const { x, y, hu, region } = canvas;
  for (let v = 0; v < hu.length; v++) {
    if (region[v] === Region.air) continue;
    const r2 = ((x[v] as number) / 170) ** 2 + ((y[v] as number) / 120) ** 2;
    hu[v] = (hu[v] as number) - amplitude * Math.max(0, 1 - r2);
  }
}

// A metal-like streak artifact: alternating bright and dark rays from a small dense object
// (a surgical clip) over a few slices.
function addStreaks(canvas: Canvas, spec: CaseSpec, random: Random): void {
  const [nx, ny, nz] = canvas.dims;
  const [sx, sy, sz] = canvas.spacing;
  const cx = random.uniform(-70, 70);
  const cy = random.uniform(-40, 50);
  const cz = random.uniform(-60, 60);
  const halfExtent = random.uniform(8, 25);
  const rays = random.int(4, 10);
  const phase = random.uniform(0, 2 * Math.PI);
  const amplitude = random.uniform(60, 220) * (0.5 + spec.difficulty);
  const reach = random.uniform(60, 160);
  const { hu } = canvas;
  for (let k = 0; k < nz; k++) {
    const pz = (k - (nz - 1) / 2) * sz;
    if (Math.abs(pz - cz) > halfExtent) continue;
    for (let j = 0; j < ny; j++) {
      const py = (j - (ny - 1) / 2) * sy - cy;
      for (let i = 0; i < nx; i++) {
        const px = (i - (nx - 1) / 2) * sx - cx;
        const r = Math.hypot(px, py);
        const v = (k * ny + j) * nx + i;
        const value =
          r < Math.max(sx, 3)
            ? 2500
            : amplitude * Math.sin(rays * Math.atan2(py, px) + phase) * Math.exp(-r / reach);
        hu[v] = (hu[v] as number) + value;
      }
    }
  }
}
