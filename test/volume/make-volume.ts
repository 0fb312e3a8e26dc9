import { DATATYPES } from '../../src/volume/datatypes.js';
import type { Affine, DataTypeName, Volume } from '../../src/volume/types.js';

// An oblique, anisotropic affine (rotation about z and x, 0.8/1.2/2.5 mm), as a real scan has.
export const OBLIQUE: Affine = (() => {
  const [a, b] = [0.3, -0.2];
  const r = [
    [Math.cos(a), -Math.sin(a) * Math.cos(b), Math.sin(a) * Math.sin(b)],
    [Math.sin(a), Math.cos(a) * Math.cos(b), -Math.cos(a) * Math.sin(b)],
    [0, Math.sin(b), Math.cos(b)],
  ];
  const z = [0.8, 1.2, 2.5];
  const t = [-90.5, 12.25, -40];
  return [0, 1, 2]
    .map(
      (i) =>
        [...[0, 1, 2].map((j) => Math.fround(r[i]![j]! * z[j]!)), t[i] ?? 0] as [
          number,
          number,
          number,
          number,
        ],
    )
    .concat([[0, 0, 0, 1]]) as Affine;
})();

// A deterministic volume of the datatype whose values span its range (floats include
// NaN, +-Infinity, -0 and subnormals), so that a round trip must be bit-exact to pass.
export function makeVolume(
  datatype: DataTypeName,
  dims: number[] = [7, 5, 4],
  affine: Affine = OBLIQUE,
): Volume {
  const n = dims.reduce((a, b) => a * b, 1);
  const dt = DATATYPES[datatype];
  const data = dt.create(n);
  const bytes = new Uint8Array(data.buffer);
  let seed = 12345;
  for (let i = 0; i < bytes.length; i++) {
    seed = (seed * 1103515245 + 12345) >>> 0;
    bytes[i] = seed >>> 24;
  }
  if (data instanceof Float32Array || data instanceof Float64Array) {
    data.set([Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, -0, 1e-40, 0.5]);
  }
  const spacing = [0, 1, 2].map((j) =>
    Math.hypot(affine[0][j] ?? 0, affine[1][j] ?? 0, affine[2][j] ?? 0),
  ) as [number, number, number];
  return { dims, datatype, data, spacing, affine, sclSlope: 1, sclInter: 0 };
}
