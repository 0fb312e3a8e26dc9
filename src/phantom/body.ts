import { type Canvas, Region } from './canvas.js';
import type { CaseSpec } from './case-spec.js';
import { paint, regionMask } from './paint.js';
import type { Random } from './random.js';
import { ellipsoid, tube } from './shapes.js';

// Where the trunk sits in one case, for the organs to be placed against.
export interface Trunk {
  // Half-width (x) and half-depth (y) of the body outline, mm.
  halfWidth: number;
  halfDepth: number;
  // Centre of the vertebral bodies in the axial plane, mm.
  spine: [number, number];
}

// Paints everything that is not a labelled organ: the body outline with subcutaneous fat and
// the muscle wall, ribs, lung bases, spine, paraspinal and psoas muscles, bowel loops and the
// table. Leaves the abdominal cavity (visceral fat) for the organs.
export function paintTrunk(canvas: Canvas, spec: CaseSpec, random: Random): Trunk {
  const s = spec.bodyScale;
  const halfWidth = 155 * s * random.uniform(0.94, 1.06);
  const halfDepth = 112 * s * random.uniform(0.92, 1.06);
  const spine: [number, number] = [random.normal(0, 3), -0.52 * halfDepth + random.normal(0, 3)];
  paintBodyWall(canvas, spec, random, halfWidth, halfDepth);
  paintSpine(canvas, spec, random, spine, s);
  const soft = regionMask(Region.cavity, Region.fat, Region.muscle);
  for (const side of [-1, 1]) {
    const paraspinal = ellipsoid({
      center: [spine[0] + side * 38 * s, spine[1] - 42 * s, 0],
      radii: [27 * s, 22 * s, 1000],
      rotation: [side * 0.2, 0, 0],
    });
    paint(canvas, paraspinal, soft, (v) => setRegion(canvas, v, Region.muscle, spec.hu.muscle));
    const psoas = tube({
      points: [
        [spine[0] + side * 22 * s, spine[1] + 4 * s, 50 + spec.zShift],
        [spine[0] + side * 42 * s, spine[1] + 8 * s, -130 + spec.zShift],
      ],
      radii: [5 * s, 24 * s],
    });
    paint(canvas, psoas, regionMask(Region.cavity), (v) =>
      setRegion(canvas, v, Region.muscle, spec.hu.muscle),
    );
    const lung = ellipsoid({
      center: [side * 95 * s, -45 * s, 175 * s + spec.zShift + random.normal(0, 8)],
      radii: [55 * s, 60 * s, 115 * s],
      rotation: [0, -0.3, 0],
    });
    paint(canvas, lung, regionMask(Region.cavity), (v) =>
      setRegion(canvas, v, Region.lung, spec.hu.lung),
    );
  }
  paintBowel(canvas, spec, random, s);
  return { halfWidth, halfDepth, spine };
}

interface Bump {
  kx: number;
  ky: number;
  amplitude: number;
  phase: number;
}

function setRegion(canvas: Canvas, voxel: number, region: number, hu: number): void {
  canvas.region[voxel] = region;
  canvas.hu[voxel] = hu;
}

// The outline (a superellipse, flatter at the back, with bumps), the fat and muscle layers
// inside it, ribs in the upper wall, and the table under the back.
function paintBodyWall(
  canvas: Canvas,
  spec: CaseSpec,
  random: Random,
  halfWidth: number,
  halfDepth: number,
): void {
  const harmonics: Bump[] = Array.from({ length: 3 }, () => ({
    kx: random.uniform(1, 4) * random.sign(),
    ky: random.uniform(1, 4) * random.sign(),
    amplitude: random.uniform(0, 0.015 + 0.2 * spec.shapeRoughness),
    phase: random.uniform(0, 2 * Math.PI),
  }));
  const fatThickness = random.uniform(10, 34) * spec.bodyScale;
  const fatInner = 1 - fatThickness / halfDepth;
  const muscleInner = fatInner - random.uniform(9, 15) / halfDepth;
  const ribPitch = random.uniform(30, 38);
  const ribPhase = random.uniform(0, ribPitch);
  const ribSlope = random.uniform(80, 110);
  const costalMargin = -15 + spec.zShift + random.normal(0, 8);
  const tableTop = -halfDepth - random.uniform(8, 20);
  const { x, y, z, region, hu } = canvas;
  const [h0, h1, h2] = harmonics as [Bump, Bump, Bump];
  const swell = harmonics.reduce((sum, h) => sum + h.amplitude, 0);
  const deepInside = muscleInner * (1 - swell);
  const farOutside = 1 + swell;
  for (let v = 0; v < region.length; v++) {
    const ux = (x[v] as number) / halfWidth;
    const uy = (y[v] as number) / halfDepth;
    // An ellipse in front, a superellipse of exponent 3 (a flatter back) behind.
    const ax = ux < 0 ? -ux : ux;
    const radius = uy >= 0 ? Math.sqrt(ax * ax + uy * uy) : Math.cbrt(ax * ax * ax - uy * uy * uy);
    // The bumps move the surface by at most `swell`, so only voxels near a layer need them.
    const level =
      radius < deepInside || radius > farOutside
        ? radius
        : radius /
          (1 +
            h0.amplitude * Math.sin(h0.kx * ux + h0.ky * uy + h0.phase) +
            h1.amplitude * Math.sin(h1.kx * ux + h1.ky * uy + h1.phase) +
            h2.amplitude * Math.sin(h2.kx * ux + h2.ky * uy + h2.phase));
    if (level >= 1) {
      const py = y[v] as number;
      const onTable =
        py < tableTop && py > tableTop - 12 && Math.abs(x[v] as number) < 1.15 * halfWidth;
      region[v] = Region.air;
      hu[v] = onTable ? 120 : -1000;
    } else if (level >= fatInner) {
      region[v] = Region.fat;
      hu[v] = spec.hu.fat;
    } else if (level >= muscleInner) {
      const t = (z[v] as number) + ribSlope * uy;
      const inRib =
        t > costalMargin &&
        positiveModulo(t - ribPhase, ribPitch) < 9 &&
        !(uy > 0.3 && Math.abs(ux) < 0.3);
      region[v] = inRib ? Region.bone : Region.muscle;
      hu[v] = inRib ? spec.hu.boneCortex * 0.8 : spec.hu.muscle;
    } else {
      region[v] = Region.cavity;
      hu[v] = spec.hu.visceralFat;
    }
  }
}

// Vertebral bodies (cortex, cancellous bone, discs), the spinal canal, the posterior arch
// with its spinous and transverse processes.
function paintSpine(
  canvas: Canvas,
  spec: CaseSpec,
  random: Random,
  [sx, sy]: [number, number],
  s: number,
): void {
  const discPitch = random.uniform(30, 36);
  const discPhase = random.uniform(0, discPitch);
  const body = regionMask(Region.cavity, Region.fat, Region.muscle, Region.bone);
  const bone = (v: number, value: number) => setRegion(canvas, v, Region.bone, value);
  const vertebra = ellipsoid({ center: [sx, sy, 0], radii: [21 * s, 17 * s, 1000] });
  paint(canvas, vertebra, body, (v, level) => {
    const inDisc = positiveModulo((canvas.z[v] as number) - discPhase, discPitch) < 7;
    bone(v, inDisc ? spec.hu.disc : level > 0.82 ? spec.hu.boneCortex : spec.hu.boneCancellous);
  });
  const arch = ellipsoid({ center: [sx, sy - 30 * s, 0], radii: [16 * s, 15 * s, 1000] });
  paint(canvas, arch, body, (v) => bone(v, spec.hu.boneCortex * 0.75));
  const spinous = ellipsoid({ center: [sx, sy - 52 * s, 0], radii: [5 * s, 14 * s, 1000] });
  paint(canvas, spinous, body, (v) => bone(v, spec.hu.boneCortex * 0.7));
  const transverse = ellipsoid({ center: [sx, sy - 24 * s, 0], radii: [40 * s, 6 * s, 1000] });
  paint(canvas, transverse, body, (v) => {
    if (positiveModulo((canvas.z[v] as number) - discPhase - discPitch / 2, discPitch) < 12) {
      bone(v, spec.hu.boneCortex * 0.7);
    }
  });
  const canal = ellipsoid({ center: [sx, sy - 29 * s, 0], radii: [9 * s, 8 * s, 1000] });
  paint(canvas, canal, body, (v) => bone(v, spec.hu.csf));
}

// Bowel loops (unlabelled): walls with fluid, gas or oral contrast inside, in the lower
// abdomen, and the ascending and descending colon along the flanks.
function paintBowel(canvas: Canvas, spec: CaseSpec, random: Random, s: number): void {
  const loops = Array.from({ length: random.int(7, 13) }, () =>
    ellipsoid({
      center: [
        random.uniform(-100, 100) * s,
        random.uniform(-15, 65) * s,
        random.uniform(-110, 0) + spec.zShift,
      ],
      radii: [random.uniform(12, 24) * s, random.uniform(10, 20) * s, random.uniform(12, 30)],
      rotation: [random.uniform(0, Math.PI), random.uniform(-0.5, 0.5), 0],
      harmonics: [
        {
          k: [random.uniform(2, 4), random.uniform(2, 4), random.uniform(1, 3)],
          amplitude: 0.12,
          phase: random.uniform(0, 6.3),
        },
      ],
    }),
  );
  for (const side of [-1, 1]) {
    loops.push(
      tube({
        points: [
          [side * 95 * s, 5 * s, -120 + spec.zShift],
          [side * 92 * s, 12 * s, -40 + spec.zShift],
          [side * 85 * s, 25 * s, 10 + spec.zShift],
        ],
        radii: [20 * s, 18 * s, 16 * s],
      }),
    );
  }
  const allowed = regionMask(Region.cavity, Region.bowel);
  for (const loop of loops) {
    const draw = random.next();
    const content =
      draw < 0.35 ? -950 : draw < 0.85 ? random.uniform(0, 30) : random.uniform(150, 300);
    const wall = 1 - 4 / (12 * s);
    paint(canvas, loop, allowed, (v, level) =>
      setRegion(canvas, v, Region.bowel, level > wall ? spec.hu.bowelWall : content),
    );
  }
}

function positiveModulo(value: number, modulus: number): number {
  return ((value % modulus) + modulus) % modulus;
}
