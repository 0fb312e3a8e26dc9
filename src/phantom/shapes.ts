import type { Bounds, Vec3 } from './canvas.js';

// A solid in the phantom's mm frame: `level` is below 1 inside and grows outwards (a
// normalised radius, so layers such as a cortex or a wall are level bands near 1).
export interface Shape {
  bounds: Bounds;
  level(x: number, y: number, z: number): number;
}

// A smooth bump on a surface: 1 + amplitude * sin(k . u + phase), u the normalised position.
export interface Harmonic {
  k: Vec3;
  amplitude: number;
  phase: number;
}

// An ellipsoid (or superellipsoid, exponent > 2 makes it boxier), rotated by yaw (about z),
// pitch (about x) and roll (about y) in radians, its surface bent by harmonics.
export function ellipsoid(options: {
  center: Vec3;
  radii: Vec3;
  rotation?: Vec3;
  harmonics?: Harmonic[];
  exponent?: number;
}): Shape {
  const [cx, cy, cz] = options.center;
  const [rx, ry, rz] = options.radii;
  const m = rotationMatrix(options.rotation ?? [0, 0, 0]);
  const harmonics = options.harmonics ?? [];
  const exponent = options.exponent ?? 2;
  const packed = Float64Array.from(harmonics.flatMap((h) => [...h.k, h.amplitude, h.phase]));
  // A superellipsoid reaches past its ellipsoid towards the corners, by up to 3^(1/2 - 1/p).
  const corner = exponent > 2 ? 3 ** (0.5 - 1 / exponent) : 1;
  const swell = corner * (1 + harmonics.reduce((sum, h) => sum + Math.abs(h.amplitude), 0));
  const halfWidth = (row: 0 | 1 | 2) =>
    swell * Math.hypot(m[row * 3]! * rx, m[row * 3 + 1]! * ry, m[row * 3 + 2]! * rz);
  const bounds: Bounds = [
    cx - halfWidth(0),
    cx + halfWidth(0),
    cy - halfWidth(1),
    cy + halfWidth(1),
    cz - halfWidth(2),
    cz + halfWidth(2),
  ];
  return {
    bounds,
    level(x, y, z) {
      const dx = x - cx;
      const dy = y - cy;
      const dz = z - cz;
      // Local coordinates: the transpose of the rotation applied to the offset.
      const ux = (m[0]! * dx + m[3]! * dy + m[6]! * dz) / rx;
      const uy = (m[1]! * dx + m[4]! * dy + m[7]! * dz) / ry;
      const uz = (m[2]! * dx + m[5]! * dy + m[8]! * dz) / rz;
      const radius =
        exponent === 2
          ? Math.sqrt(ux * ux + uy * uy + uz * uz)
          : (Math.abs(ux) ** exponent + Math.abs(uy) ** exponent + Math.abs(uz) ** exponent) **
            (1 / exponent);
      let bump = 1;
      for (let h = 0; h < packed.length; h += 5) {
        bump +=
          packed[h + 3]! *
          Math.sin(packed[h]! * ux + packed[h + 1]! * uy + packed[h + 2]! * uz + packed[h + 4]!);
      }
      return radius / bump;
    },
  };
}

// A tube through a chain of points whose radius changes linearly between them (a capsule
// chain): pancreas, vessels, psoas. `aspect` squeezes the cross-section (e.g. [1, 0.7, 1]
// makes a tube flatter from front to back).
export function tube(options: { points: Vec3[]; radii: number[]; aspect?: Vec3 }): Shape {
  const { points, radii } = options;
  const [ax, ay, az] = options.aspect ?? [1, 1, 1];
  const maxRadius = Math.max(...radii);
  const coordinate = (axis: 0 | 1 | 2) => points.map((p) => p[axis]);
  const bounds: Bounds = [
    Math.min(...coordinate(0)) - maxRadius * ax,
    Math.max(...coordinate(0)) + maxRadius * ax,
    Math.min(...coordinate(1)) - maxRadius * ay,
    Math.max(...coordinate(1)) + maxRadius * ay,
    Math.min(...coordinate(2)) - maxRadius * az,
    Math.max(...coordinate(2)) + maxRadius * az,
  ];
  // Segments in the squeezed frame, precomputed.
  const segments = points.slice(1).map((end, s) => {
    const start = points[s]!;
    const p: Vec3 = [start[0] / ax, start[1] / ay, start[2] / az];
    const d: Vec3 = [(end[0] - start[0]) / ax, (end[1] - start[1]) / ay, (end[2] - start[2]) / az];
    const lengthSquared = d[0] * d[0] + d[1] * d[1] + d[2] * d[2] || 1;
    return { p, d, lengthSquared, r0: radii[s]!, r1: radii[s + 1]! };
  });
  return {
    bounds,
    level(x, y, z) {
      const qx = x / ax;
      const qy = y / ay;
      const qz = z / az;
      let best = Number.POSITIVE_INFINITY;
      for (const s of segments) {
        const ox = qx - s.p[0];
        const oy = qy - s.p[1];
        const oz = qz - s.p[2];
        let t = (ox * s.d[0] + oy * s.d[1] + oz * s.d[2]) / s.lengthSquared;
        t = t < 0 ? 0 : t > 1 ? 1 : t;
        const ex = ox - t * s.d[0];
        const ey = oy - t * s.d[1];
        const ez = oz - t * s.d[2];
        const level = Math.sqrt(ex * ex + ey * ey + ez * ez) / (s.r0 + t * (s.r1 - s.r0));
        if (level < best) best = level;
      }
      return best;
    },
  };
}

// The union of shapes: inside where any is inside.
export function union(...shapes: Shape[]): Shape {
  const bounds = shapes
    .slice(1)
    .reduce<Bounds>(
      (b, s) => [
        Math.min(b[0], s.bounds[0]),
        Math.max(b[1], s.bounds[1]),
        Math.min(b[2], s.bounds[2]),
        Math.max(b[3], s.bounds[3]),
        Math.min(b[4], s.bounds[4]),
        Math.max(b[5], s.bounds[5]),
      ],
      [...shapes[0]!.bounds],
    );
  return {
    bounds,
    level(x, y, z) {
      let best = Number.POSITIVE_INFINITY;
      for (const s of shapes) best = Math.min(best, s.level(x, y, z));
      return best;
    },
  };
}

// Row-major 3x3 rotation: yaw about z, then pitch about x, then roll about y.
function rotationMatrix([yaw, pitch, roll]: Vec3): number[] {
  const [cy, sy, cp, sp, cr, sr] = [
    Math.cos(yaw),
    Math.sin(yaw),
    Math.cos(pitch),
    Math.sin(pitch),
    Math.cos(roll),
    Math.sin(roll),
  ];
  const rz = [cy, -sy, 0, sy, cy, 0, 0, 0, 1];
  const rx = [1, 0, 0, 0, cp, -sp, 0, sp, cp];
  const ry = [cr, 0, sr, 0, 1, 0, -sr, 0, cr];
  return multiply(multiply(rz, rx), ry);
}

function multiply(a: number[], b: number[]): number[] {
  const out = new Array<number>(9).fill(0);
  for (let r = 0; r < 3; r++) {
    for (let c = 0; c < 3; c++) {
      let sum = 0;
      for (let k = 0; k < 3; k++) sum += a[r * 3 + k]! * b[k * 3 + c]!;
      out[r * 3 + c] = sum;
    }
  }
  return out;
}
