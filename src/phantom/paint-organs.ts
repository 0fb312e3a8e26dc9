import type { Trunk } from './body.js';
import { type Canvas, Region, type Vec3 } from './canvas.js';
import type { CaseSpec } from './case-spec.js';
import { organLabel } from './organs.js';
import { paint, regionMask } from './paint.js';
import type { Random } from './random.js';
import { type Harmonic, type Shape, ellipsoid, tube, union } from './shapes.js';

const SOFT = regionMask(Region.cavity, Region.lung, Region.bowel, Region.organ);
const VESSEL = regionMask(Region.cavity, Region.lung, Region.bowel, Region.organ, Region.muscle);
const ORGAN = regionMask(Region.organ);

// Paints the nine labelled organs, later ones over earlier ones where they touch, in their
// usual places: stomach left-anterior, liver right (its left lobe over the stomach), spleen
// left-posterior, kidneys either side of the spine, pancreas across the middle, gallbladder
// under the liver, aorta left-anterior of the spine and the IVC to its right.
export function paintOrgans(canvas: Canvas, spec: CaseSpec, random: Random, trunk: Trunk): void {
  const s = spec.bodyScale;
  const hu = spec.hu;
  const place = placer(spec, random);
  const [sx, sy] = trunk.spine;
  const organ = (
    shape: Shape,
    label: number,
    allowed: number,
    value: (v: number, level: number) => number,
  ) =>
    paint(canvas, shape, allowed, (v, level) => {
      canvas.region[v] = Region.organ;
      canvas.label[v] = label;
      canvas.hu[v] = value(v, level);
    });

  const stomach = place({ center: [-50, 35, 50], radii: [42, 32, 50], rotation: [0.4, 0.2, 0] });
  const airLevel = stomach.center[1] + stomach.radii[1] * random.uniform(-0.1, 0.8);
  const oralContrast = random.chance(0.15);
  const stomachWall = 1 - 6 / stomach.radii[1];
  organ(stomach.shape, organLabel('stomach'), SOFT, (v, level) => {
    if (level > stomachWall) return hu.stomachWall;
    if ((canvas.y[v] as number) > airLevel) return -980;
    return oralContrast ? 250 : hu.stomachFluid;
  });

  const rightLobe = place({ center: [68, 0, 40], radii: [72, 88, 70] });
  const leftLobe = place({ center: [5, 42, 55], radii: [52, 30, 32], rotation: [-0.2, 0, 0] });
  const liver = organLabel('liver');
  organ(union(rightLobe.shape, leftLobe.shape), liver, SOFT, () => hu.liver);
  const isLiver = (v: number) => canvas.label[v] === liver;
  const porta: Vec3 = [30 * s, 0, 15 + spec.zShift];
  for (let i = 0, n = random.int(3, 6); i < n; i++) {
    const end: Vec3 = [
      random.uniform(45, 125) * s,
      random.uniform(-50, 60) * s,
      random.uniform(15, 95) + spec.zShift,
    ];
    const middle: Vec3 = [
      (porta[0] + end[0]) / 2 + random.normal(0, 10),
      (porta[1] + end[1]) / 2 + random.normal(0, 10),
      (porta[2] + end[2]) / 2,
    ];
    const vessel = tube({ points: [porta, middle, end], radii: [7 * s, 4.5 * s, 2.5 * s] });
    paint(canvas, vessel, ORGAN, (v) => {
      if (isLiver(v)) canvas.hu[v] = hu.liverVessel;
    });
  }
  for (let i = 0; i < spec.liverLesions; i++) {
    const lesion = ellipsoid({
      center: [
        random.uniform(45, 110) * s,
        random.uniform(-40, 50) * s,
        random.uniform(20, 80) + spec.zShift,
      ],
      radii: [random.uniform(8, 22), random.uniform(8, 22), random.uniform(8, 22)],
      harmonics: harmonics(random, 0.15),
    });
    paint(canvas, lesion, ORGAN, (v) => {
      if (isLiver(v)) canvas.hu[v] = hu.liverLesion;
    });
  }

  // An enlarged spleen grows down and forward from its place under the left diaphragm.
  const k = spec.spleenScale;
  const spleen = place({
    center: [-74, -38 + 14 * (k - 1), 50 - 40 * (k - 1)],
    radii: [22 * Math.sqrt(k), 50 * k, 45 * k],
    rotation: [0.6, 0, 0],
  });
  const mottle = mottling(random, spec.spleenMottle);
  organ(spleen.shape, organLabel('spleen'), SOFT, (v) => hu.spleen + mottle(canvas, v));

  for (const [side, name, z] of [
    [-1, 'kidney_left', -18],
    [1, 'kidney_right', -30],
  ] as const) {
    const kidney = place({
      center: [side * 68, -58, z],
      radii: [24, 28, 52],
      rotation: [side * 0.5, 0.1, side * 0.25],
    });
    const label = organLabel(name);
    const cortex = random.uniform(0.68, 0.78);
    organ(kidney.shape, label, SOFT, (_v, level) =>
      level > cortex ? hu.kidneyCortex : hu.kidneyMedulla,
    );
    // The renal sinus: a notch of fat on the medial side makes the bean shape.
    const [kx, ky, kz] = kidney.center;
    const sinus = ellipsoid({
      center: [kx - side * 20 * s, ky + 8 * s, kz],
      radii: [12 * s, 10 * s, 22 * s],
    });
    paint(canvas, sinus, ORGAN, (v) => {
      if (canvas.label[v] !== label) return;
      canvas.label[v] = 0;
      canvas.region[v] = Region.cavity;
      canvas.hu[v] = hu.visceralFat * 0.6;
    });
    // Delayed phase: excreted contrast fills the calyces, inside the kidney beside its sinus
    // (labelled kidney, as the collecting system is in most kidney masks).
    const excreted = spec.collectingSystemHu;
    if (excreted !== null) {
      const calyces = ellipsoid({
        center: [kx - side * 10 * s, ky + 6 * s, kz],
        radii: [9 * s, 9 * s, 28 * s],
      });
      paint(canvas, calyces, ORGAN, (v) => {
        if (canvas.label[v] === label) canvas.hu[v] = excreted;
      });
    }
  }

  const pancreasPoints = (
    [
      [35, -5, -22],
      [12, 4, -10],
      [-25, 2, 0],
      [-68, -22, 12],
    ] as Vec3[]
  ).map(
    ([x, y, z]): Vec3 => [
      x * s + random.normal(0, spec.positionJitter * 0.6),
      y * s + random.normal(0, spec.positionJitter * 0.6),
      z + spec.zShift + random.normal(0, 4),
    ],
  );
  const pancreasSize = s * Math.exp(random.normal(0, spec.sizeJitter));
  const pancreas = tube({
    points: pancreasPoints,
    radii: [16, 11, 10, 9].map((r) => r * pancreasSize),
    aspect: [1, 0.75, 1],
  });
  organ(pancreas, organLabel('pancreas'), SOFT, () => hu.pancreas);

  const gallbladder = place({
    center: [55, 40, -22],
    radii: [16, 18, 34],
    rotation: [0.3, 0.5, 0],
  });
  organ(gallbladder.shape, organLabel('gallbladder'), SOFT, (_v, level) =>
    level > 0.88 ? hu.gallbladder + 20 : hu.gallbladder,
  );

  const aortaRadius = 11 * s * Math.exp(random.normal(0, spec.sizeJitter * 0.5));
  const aorta = tube({
    points: [
      [sx - 16 * s + random.normal(0, 3), sy + 30 * s, 130],
      [sx - 15 * s + random.normal(0, 3), sy + 32 * s, 0],
      [sx - 10 * s + random.normal(0, 3), sy + 34 * s, -130],
    ],
    radii: [aortaRadius, aortaRadius * 0.92, aortaRadius * 0.8],
  });
  organ(aorta, organLabel('aorta'), VESSEL, () => hu.aorta);

  const ivcRadius = 13 * s * Math.exp(random.normal(0, spec.sizeJitter * 0.5));
  const ivc = tube({
    points: [
      [sx + 26 * s + random.normal(0, 3), sy + 44 * s, 130],
      [sx + 25 * s + random.normal(0, 3), sy + 36 * s, 0],
      [sx + 22 * s + random.normal(0, 3), sy + 34 * s, -130],
    ],
    radii: [ivcRadius, ivcRadius, ivcRadius * 0.9],
    aspect: [1, 0.7, 1],
  });
  organ(ivc, organLabel('inferior_vena_cava'), VESSEL, () => hu.ivc);
}

interface Placed {
  shape: Shape;
  center: Vec3;
  radii: Vec3;
}

// Places an organ near its nominal position (mm, for a nominal body) in one case: scaled to
// the body, shifted with the scan range, wandering, resized and bumped by the case's jitter.
function placer(spec: CaseSpec, random: Random) {
  return (nominal: { center: Vec3; radii: Vec3; rotation?: Vec3; exponent?: number }): Placed => {
    const s = spec.bodyScale;
    const j = spec.positionJitter;
    const center: Vec3 = [
      nominal.center[0] * s + random.normal(0, j),
      nominal.center[1] * s + random.normal(0, j),
      nominal.center[2] + spec.zShift + random.normal(0, j),
    ];
    const size = Math.exp(random.normal(0, spec.sizeJitter));
    const radii = nominal.radii.map(
      (r) => r * s * size * Math.exp(random.normal(0, spec.sizeJitter * 0.5)),
    ) as Vec3;
    const rotation = (nominal.rotation ?? [0, 0, 0]).map((a) => a + random.normal(0, 0.12)) as Vec3;
    const shape = ellipsoid({
      center,
      radii,
      rotation,
      exponent: nominal.exponent ?? 2,
      harmonics: harmonics(random, spec.shapeRoughness),
    });
    return { shape, center, radii };
  };
}

// Three random low-order bumps whose amplitudes add up to at most `roughness`.
function harmonics(random: Random, roughness: number): Harmonic[] {
  return Array.from({ length: 3 }, () => ({
    k: [random.uniform(-4, 4), random.uniform(-4, 4), random.uniform(-4, 4)] as Vec3,
    amplitude: random.uniform(0, roughness / 3),
    phase: random.uniform(0, 2 * Math.PI),
  }));
}

// The arterial phase's mottled ("zebra") spleen: bands of brighter and darker parenchyma, a
// sum of two plane waves of 25-40 mm wavelength, `amplitude` HU at most; none when 0.
function mottling(random: Random, amplitude: number): (canvas: Canvas, v: number) => number {
  if (amplitude === 0) return () => 0;
  const waves = Array.from({ length: 2 }, () => {
    const k = (2 * Math.PI) / random.uniform(25, 40);
    const theta = random.uniform(0, Math.PI);
    const phi = random.uniform(0, Math.PI);
    return {
      k: [
        k * Math.sin(phi) * Math.cos(theta),
        k * Math.sin(phi) * Math.sin(theta),
        k * Math.cos(phi),
      ],
      phase: random.uniform(0, 2 * Math.PI),
    };
  });
  return (canvas, v) => {
    const p = [canvas.x[v] as number, canvas.y[v] as number, canvas.z[v] as number];
    let sum = 0;
    for (const w of waves)
      sum += Math.sin(w.k[0]! * p[0]! + w.k[1]! * p[1]! + w.k[2]! * p[2]! + w.phase);
    return (amplitude / 2) * sum;
  };
}
