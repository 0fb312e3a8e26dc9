import type { Affine } from '../volume/types.js';
import type { Random } from './random.js';

// Three numbers: a point or a size in mm (x to the patient's right, y anterior, z superior).
export type Vec3 = [number, number, number];

// An axis-aligned box in mm: [xmin, xmax, ymin, ymax, zmin, zmax].
export type Bounds = [number, number, number, number, number, number];

// What a painted voxel is made of. Organs are painted only over soft regions.
export const Region = {
  air: 0,
  fat: 1,
  muscle: 2,
  cavity: 3,
  bone: 4,
  lung: 5,
  bowel: 6,
  organ: 7,
} as const;

// The grid a phantom is drawn on, with the smoothly deformed mm position of every voxel and
// the buffers that painting fills: region codes, organ labels and HU before any blur or noise.
export interface Canvas {
  dims: Vec3;
  spacing: Vec3;
  affine: Affine;
  // Deformed position of each voxel (x fastest), in the phantom's mm frame.
  x: Float32Array;
  y: Float32Array;
  z: Float32Array;
  // The largest displacement the deformation applies, in mm (for bounding boxes).
  maxDisplacement: number;
  region: Uint8Array;
  label: Uint8Array;
  hu: Float32Array;
}

// The voxel size for a grid: in-plane spacing chosen so a body up to ~350 mm wide and ~250 mm
// deep fits (a 360 mm field of view: 5.625 mm over 64 voxels), and 200 mm of abdomen along z
// (5 mm over 40 slices).
export function phantomSpacing(dims: Vec3): Vec3 {
  const inPlane = Math.max(360 / dims[0], 280 / dims[1]);
  return [inPlane, inPlane, 200 / dims[2]];
}

// The voxel-to-world matrix (RAS+, no rotation) that centres the grid on the world origin.
export function phantomAffine(dims: Vec3, spacing: Vec3): Affine {
  const offset = (axis: 0 | 1 | 2) => -((dims[axis] - 1) / 2) * spacing[axis];
  return [
    [spacing[0], 0, 0, offset(0)],
    [0, spacing[1], 0, offset(1)],
    [0, 0, spacing[2], offset(2)],
    [0, 0, 0, 1],
  ];
}

// Creates a canvas whose voxel positions are displaced by a smooth random field: a few
// separable sinusoids per axis, wavelengths 150-500 mm, so the whole anatomy bends and bulges.
export function createCanvas(dims: Vec3, random: Random, amplitude: number): Canvas {
  const spacing = phantomSpacing(dims);
  const affine = phantomAffine(dims, spacing);
  const [nx, ny, nz] = dims;
  const count = nx * ny * nz;
  const axisPositions = ([0, 1, 2] as const).map((axis) => {
    const positions = new Float64Array(dims[axis]);
    for (let i = 0; i < dims[axis]; i++) positions[i] = (i - (dims[axis] - 1) / 2) * spacing[axis];
    return positions;
  }) as [Float64Array, Float64Array, Float64Array];

  // Start from the regular grid, then add each separable term of the displacement.
  const x = new Float32Array(count);
  const y = new Float32Array(count);
  const z = new Float32Array(count);
  let v = 0;
  for (let k = 0; k < nz; k++) {
    for (let j = 0; j < ny; j++) {
      for (let i = 0; i < nx; i++, v++) {
        x[v] = axisPositions[0][i] as number;
        y[v] = axisPositions[1][j] as number;
        z[v] = axisPositions[2][k] as number;
      }
    }
  }
  const terms = 3;
  for (const field of [x, y, z]) {
    for (let t = 0; t < terms; t++) {
      const tables = axisPositions.map((positions) => {
        const wave = (2 * Math.PI) / random.uniform(150, 500);
        const phase = random.uniform(0, 2 * Math.PI);
        return positions.map((p) => Math.sin(wave * p + phase));
      }) as [Float64Array, Float64Array, Float64Array];
      addSeparableTerm(field, dims, tables, (amplitude / terms) * random.uniform(0.5, 1));
    }
  }
  return {
    dims,
    spacing,
    affine,
    x,
    y,
    z,
    maxDisplacement: amplitude,
    region: new Uint8Array(count),
    label: new Uint8Array(count),
    hu: new Float32Array(count).fill(-1000),
  };
}

// The inclusive voxel index range along one axis that can hold deformed positions in [lo, hi].
export function indexRange(
  canvas: Canvas,
  axis: 0 | 1 | 2,
  lo: number,
  hi: number,
): [number, number] {
  const n = canvas.dims[axis];
  const s = canvas.spacing[axis];
  const margin = canvas.maxDisplacement;
  const first = Math.max(0, Math.floor((lo - margin) / s + (n - 1) / 2));
  const last = Math.min(n - 1, Math.ceil((hi + margin) / s + (n - 1) / 2));
  return [first, last];
}

// Adds a * fx(i) * fy(j) * fz(k) to every voxel of `field`.
function addSeparableTerm(
  field: Float32Array,
  [nx, ny, nz]: Vec3,
  [fx, fy, fz]: [Float64Array, Float64Array, Float64Array],
  a: number,
): void {
  let v = 0;
  for (let k = 0; k < nz; k++) {
    const az = a * (fz[k] as number);
    for (let j = 0; j < ny; j++) {
      const ayz = az * (fy[j] as number);
      for (let i = 0; i < nx; i++, v++) field[v] = (field[v] as number) + ayz * (fx[i] as number);
    }
  }
}
