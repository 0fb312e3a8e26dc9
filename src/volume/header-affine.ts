import type { Affine } from './types.js';

// The header fields that decide a NIfTI file's voxel-to-world affine.
export interface AffineFields {
  dims: number[]; // spatial sizes, nx ny nz
  pixdim: number[]; // pixdim[0..3] (pixdim[0] = qfac)
  qformCode: number;
  sformCode: number;
  quatern: [number, number, number]; // b, c, d
  qoffset: [number, number, number];
  srow: [number[], number[], number[]];
}

// The affine nibabel's `img.affine` reports: sform when sform_code > 0, else the qform
// (quaternion) when qform_code > 0, else the pixdim-scaled base affine centred on the grid.
export function affineFromHeader(f: AffineFields): Affine {
  if (f.sformCode > 0) {
    const [x, y, z] = f.srow;
    return [row(x), row(y), row(z), [0, 0, 0, 1]];
  }
  if (f.qformCode > 0) return qformAffine(f);
  return baseAffine(f.dims, f.pixdim);
}

function row(r: number[]): [number, number, number, number] {
  return [r[0] ?? 0, r[1] ?? 0, r[2] ?? 0, r[3] ?? 0];
}

// The quaternion form (NIfTI "method 2"), as nibabel computes it.
export function qformAffine(f: AffineFields): Affine {
  const [b, c, d] = f.quatern;
  const w2 = 1 - (b * b + c * c + d * d);
  const a = w2 < 0 ? 0 : Math.sqrt(w2);
  const r = quaternionToMatrix(a, b, c, d);
  const qfac = f.pixdim[0] === -1 ? -1 : 1;
  const vox = [
    Math.abs(f.pixdim[1] ?? 1),
    Math.abs(f.pixdim[2] ?? 1),
    Math.abs(f.pixdim[3] ?? 1) * qfac,
  ];
  const out: Affine = [
    [0, 0, 0, f.qoffset[0]],
    [0, 0, 0, f.qoffset[1]],
    [0, 0, 0, f.qoffset[2]],
    [0, 0, 0, 1],
  ];
  for (let i = 0; i < 3; i++) {
    for (let j = 0; j < 3; j++) out[i]![j] = r[i]![j]! * vox[j]!;
  }
  return out;
}

function quaternionToMatrix(w: number, x: number, y: number, z: number): number[][] {
  const n = w * w + x * x + y * y + z * z;
  if (n < Number.EPSILON)
    return [
      [1, 0, 0],
      [0, 1, 0],
      [0, 0, 1],
    ];
  const s = 2 / n;
  const [X, Y, Z] = [x * s, y * s, z * s];
  const [wX, wY, wZ] = [w * X, w * Y, w * Z];
  const [xX, xY, xZ] = [x * X, x * Y, x * Z];
  const [yY, yZ, zZ] = [y * Y, y * Z, z * Z];
  return [
    [1 - (yY + zZ), xY - wZ, xZ + wY],
    [xY + wZ, 1 - (xX + zZ), yZ - wX],
    [xZ - wY, yZ + wX, 1 - (xX + yY)],
  ];
}

// nibabel's base affine (no sform, no qform): x flipped, origin at the grid centre.
function baseAffine(dims: number[], pixdim: number[]): Affine {
  const zoom = [-(pixdim[1] ?? 1), pixdim[2] ?? 1, pixdim[3] ?? 1];
  const origin = [0, 1, 2].map((i) => ((dims[i] ?? 1) - 1) / 2);
  return [
    [zoom[0]!, 0, 0, -origin[0]! * zoom[0]!],
    [0, zoom[1]!, 0, -origin[1]! * zoom[1]!],
    [0, 0, zoom[2]!, -origin[2]! * zoom[2]!],
    [0, 0, 0, 1],
  ];
}

// The quaternion parameters (b, c, d, qfac) and offsets that encode an affine's rotation,
// following nibabel's `set_qform` (the nearest proper rotation when the matrix has shear).
export function affineToQuaternion(affine: Affine): {
  quatern: [number, number, number];
  qoffset: [number, number, number];
  pixdim: [number, number, number];
  qfac: 1 | -1;
} {
  const m = [0, 1, 2].map((i) => [0, 1, 2].map((j) => affine[i]![j]!));
  const zooms = [0, 1, 2].map((j) => Math.hypot(m[0]![j]!, m[1]![j]!, m[2]![j]!) || 1);
  const r = m.map((rowValues) => rowValues.map((v, j) => v / zooms[j]!));
  let qfac: 1 | -1 = 1;
  if (det3(r) < 0) {
    qfac = -1;
    for (const rr of r) rr[2] = -rr[2]!;
  }
  const [a, b, c, d] = matrixToQuaternion(orthonormalize(r));
  const sign = a < 0 ? -1 : 1;
  return {
    quatern: [b * sign, c * sign, d * sign],
    qoffset: [affine[0][3], affine[1][3], affine[2][3]],
    pixdim: [zooms[0]!, zooms[1]!, zooms[2]!],
    qfac,
  };
}

function det3(m: number[][]): number {
  const [a, b, c] = m as [number[], number[], number[]];
  return (
    a[0]! * (b[1]! * c[2]! - b[2]! * c[1]!) -
    a[1]! * (b[0]! * c[2]! - b[2]! * c[0]!) +
    a[2]! * (b[0]! * c[1]! - b[1]! * c[0]!)
  );
}

// Gram-Schmidt on the columns, enough for the near-orthogonal matrices real scans carry.
function orthonormalize(m: number[][]): number[][] {
  const cols = [0, 1, 2].map((j) => [m[0]![j]!, m[1]![j]!, m[2]![j]!]);
  const out: number[][] = [];
  for (const col of cols) {
    let v = col.slice();
    for (const u of out) {
      const dot = v[0]! * u[0]! + v[1]! * u[1]! + v[2]! * u[2]!;
      v = v.map((x, i) => x - dot * u[i]!);
    }
    const n = Math.hypot(v[0]!, v[1]!, v[2]!) || 1;
    out.push(v.map((x) => x / n));
  }
  return [0, 1, 2].map((i) => [out[0]![i]!, out[1]![i]!, out[2]![i]!]);
}

// Rotation matrix to unit quaternion (w, x, y, z), numerically stable branch selection.
function matrixToQuaternion(r: number[][]): [number, number, number, number] {
  const [m00, m01, m02] = r[0] as [number, number, number];
  const [m10, m11, m12] = r[1] as [number, number, number];
  const [m20, m21, m22] = r[2] as [number, number, number];
  const trace = m00 + m11 + m22;
  if (trace > 0) {
    const s = Math.sqrt(trace + 1) * 2;
    return [s / 4, (m21 - m12) / s, (m02 - m20) / s, (m10 - m01) / s];
  }
  if (m00 > m11 && m00 > m22) {
    const s = Math.sqrt(1 + m00 - m11 - m22) * 2;
    return [(m21 - m12) / s, s / 4, (m01 + m10) / s, (m02 + m20) / s];
  }
  if (m11 > m22) {
    const s = Math.sqrt(1 + m11 - m00 - m22) * 2;
    return [(m02 - m20) / s, (m01 + m10) / s, s / 4, (m12 + m21) / s];
  }
  const s = Math.sqrt(1 + m22 - m00 - m11) * 2;
  return [(m10 - m01) / s, (m02 + m20) / s, (m12 + m21) / s, s / 4];
}
