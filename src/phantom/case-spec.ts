import type { Random } from './random.js';

// Mean HU of each tissue in one case (before texture, blur and noise).
export interface TissueHu {
  fat: number;
  visceralFat: number;
  muscle: number;
  boneCancellous: number;
  boneCortex: number;
  disc: number;
  csf: number;
  lung: number;
  bowelWall: number;
  liver: number;
  liverVessel: number;
  liverLesion: number;
  spleen: number;
  kidneyCortex: number;
  kidneyMedulla: number;
  pancreas: number;
  gallbladder: number;
  stomachWall: number;
  stomachFluid: number;
  aorta: number;
  ivc: number;
}

// Everything random about one case that is not a shape: how hard it is, its anatomy's size
// and jitter, the contrast phase, the tissue HU, the artifacts and the imaging noise.
export interface CaseSpec {
  // 0 (easy) .. 1 (hard): drives noise, blur, shape variation and artifact odds.
  difficulty: number;
  // Body size relative to the nominal adult (in-plane), and the scan range's shift along z.
  bodyScale: number;
  zShift: number;
  // Amplitude of the smooth whole-body deformation, mm.
  deformation: number;
  // How far organ centres wander (mm, sd), how much their size varies (sd of the log
  // factor), and how large their surface harmonics are.
  positionJitter: number;
  sizeJitter: number;
  shapeRoughness: number;
  // Contrast-phase enhancement factor (1 = a typical portal-venous phase).
  enhancement: number;
  hu: TissueHu;
  // Rare difficulty events.
  lowContrastLiver: boolean;
  fattyLiver: boolean;
  liverLesions: number;
  streaks: boolean;
  // Imaging: noise sd (HU), partial-volume blur sd (voxels, in-plane and along z), the
  // amplitude of the fine tissue texture (HU) and of the cupping artifact (HU).
  noise: number;
  blur: [number, number];
  texture: number;
  cupping: number;
}

// Draws one case's spec. Every draw happens in a fixed order so a seed always gives the same case.
export function sampleCaseSpec(random: Random): CaseSpec {
  const difficulty = random.next();
  const d = difficulty;
  const enhancement = random.uniform(0.9, 1.3) - 0.55 * d * random.next();
  const e = enhancement;
  const jitter = (sd: number) => random.normal(0, sd);

  const hu: TissueHu = {
    fat: -100 + jitter(12),
    visceralFat: -92 + jitter(12),
    muscle: 40 + 8 * e + jitter(6),
    boneCancellous: 220 + jitter(50),
    boneCortex: 650 + jitter(100),
    disc: 85 + jitter(10),
    csf: 15 + jitter(5),
    lung: -860 + jitter(30),
    bowelWall: 35 + 10 * e + jitter(8),
    liver: 45 + 15 * e + jitter(7),
    liverVessel: 40 + 110 * e + jitter(15),
    liverLesion: 20 + jitter(10),
    spleen: 38 + 12 * e + jitter(7),
    kidneyCortex: 30 + 120 * e + jitter(15),
    kidneyMedulla: 30 + 70 * e + jitter(12),
    pancreas: 35 + 10 * e + jitter(7),
    gallbladder: 10 + jitter(6),
    stomachWall: 35 + 8 * e + jitter(6),
    stomachFluid: 12 + jitter(8),
    aorta: 40 + 140 * e + jitter(20),
    ivc: 40 + 60 * e + jitter(15),
  };

  const lowContrastLiver = random.chance(0.03 + 0.25 * d);
  const fattyLiver = !lowContrastLiver && random.chance(0.04 + 0.12 * d);
  if (lowContrastLiver) {
    // Isodense liver: nearly the spleen's and the pancreas's HU, vessels hardly visible.
    hu.liver = hu.spleen + random.uniform(-4, 4);
    hu.liverVessel = hu.liver + random.uniform(0, 12);
    hu.pancreas = hu.liver + random.uniform(-5, 5);
  } else if (fattyLiver) {
    hu.liver = random.uniform(-5, 25);
    hu.liverVessel = hu.liver + random.uniform(30, 80);
  }

  return {
    difficulty,
    bodyScale: random.uniform(0.86, 1.06),
    zShift: random.uniform(-12, 12),
    deformation: 4 + 14 * d * random.next(),
    positionJitter: 3 + 7 * d,
    sizeJitter: 0.06 + 0.12 * d,
    shapeRoughness: 0.04 + 0.14 * d,
    enhancement,
    hu,
    lowContrastLiver,
    fattyLiver,
    liverLesions: random.chance(0.1 + 0.3 * d) ? random.int(1, 3) : 0,
    streaks: random.chance(0.05 + 0.35 * d),
    noise: 5 + 35 * d * random.uniform(0.6, 1.2),
    blur: [0.35 + 0.5 * d * random.next(), 0.35 + 0.8 * d * random.next()],
    texture: random.uniform(2, 6),
    cupping: 25 * d * random.next(),
  };
}
