import { type CaseGroup, TYPICAL_GROUP } from './case-groups.js';
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

// Everything random about one case that is not a shape: its group, how hard it is, its
// anatomy's size and jitter, the contrast phase, the tissue HU, the artifacts and the noise.
export interface CaseSpec {
  group: CaseGroup;
  // 0 (easy) .. 1 (hard): drives noise, blur, shape variation and artifact odds.
  difficulty: number;
  // Body size relative to the nominal adult (in-plane), and the scan range's shift along z
  // (positive: the organs sit higher in the scan).
  bodyScale: number;
  zShift: number;
  // Amplitude of the smooth whole-body deformation, mm.
  deformation: number;
  // How far organ centres wander (mm, sd), how much their size varies (sd of the log
  // factor), and how large their surface harmonics are.
  positionJitter: number;
  sizeJitter: number;
  shapeRoughness: number;
  hu: TissueHu;
  // Spleen size relative to the nominal (1; enlarged in the pathology group).
  spleenScale: number;
  // Amplitude (HU) of the arterial phase's mottled spleen; 0 in other phases.
  spleenMottle: number;
  // HU of contrast excreted into the renal collecting systems (delayed phase), or null.
  collectingSystemHu: number | null;
  liverLesions: number;
  streaks: boolean;
  // Imaging: noise sd (HU), partial-volume blur sd (voxels, in-plane and along z), the
  // amplitude of the fine tissue texture (HU) and of the cupping artifact (HU).
  noise: number;
  blur: [number, number];
  texture: number;
  cupping: number;
}

// Draws one case's spec for a group. Every draw happens in a fixed order so a seed and a group
// always give the same case.
export function sampleCaseSpec(random: Random, group: CaseGroup = TYPICAL_GROUP): CaseSpec {
  const difficulty = random.next();
  const d = difficulty;
  const spec: CaseSpec = {
    group,
    difficulty,
    bodyScale: random.uniform(0.86, 1.06),
    zShift: random.uniform(-12, 12),
    deformation: 4 + 10 * d * random.next(),
    positionJitter: 3 + 5 * d,
    sizeJitter: 0.06 + 0.08 * d,
    shapeRoughness: 0.04 + 0.1 * d,
    hu: portalVenousHu(random),
    spleenScale: 1,
    spleenMottle: 0,
    collectingSystemHu: null,
    liverLesions: random.chance(0.04 + 0.08 * d) ? 1 : 0,
    streaks: random.chance(0.03 + 0.12 * d),
    noise: 5 + 20 * d * random.uniform(0.6, 1.2),
    blur: [0.35 + 0.4 * d * random.next(), 0.35 + 0.6 * d * random.next()],
    texture: random.uniform(2, 6),
    cupping: 15 * d * random.next(),
  };
  applyGroup(spec, random);
  return spec;
}

// Mean HU of every tissue in the portal-venous phase; `e` (0.9..1.25) is how strongly this
// patient enhanced.
function portalVenousHu(random: Random): TissueHu {
  const e = random.uniform(0.9, 1.25);
  const jitter = (sd: number) => random.normal(0, sd);
  return {
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
}

// Turns a portal-venous spec into its group's (GROUP_DESCRIPTIONS says what each is).
function applyGroup(spec: CaseSpec, random: Random): void {
  const hu = spec.hu;
  switch (spec.group) {
    case 'portal-venous':
      return;
    case 'arterial':
      hu.aorta = random.uniform(300, 400);
      hu.kidneyCortex = random.uniform(210, 270);
      hu.kidneyMedulla = random.uniform(45, 65);
      hu.liver = random.uniform(48, 58);
      hu.liverVessel = hu.liver + random.uniform(20, 50);
      hu.pancreas = random.uniform(115, 145);
      hu.spleen = random.uniform(100, 125);
      hu.ivc = random.uniform(35, 55);
      spec.spleenMottle = random.uniform(40, 60);
      return;
    case 'non-contrast':
      hu.liver = random.uniform(55, 66);
      hu.liverVessel = hu.liver - random.uniform(10, 20);
      hu.spleen = random.uniform(42, 50);
      hu.kidneyCortex = random.uniform(28, 36);
      hu.kidneyMedulla = hu.kidneyCortex - random.uniform(0, 4);
      hu.pancreas = random.uniform(36, 46);
      hu.aorta = random.uniform(38, 48);
      hu.ivc = random.uniform(36, 46);
      hu.muscle = random.uniform(45, 55);
      hu.bowelWall = random.uniform(30, 42);
      hu.stomachWall = random.uniform(30, 42);
      return;
    case 'delayed':
      hu.aorta = random.uniform(105, 135);
      hu.ivc = hu.aorta + random.uniform(-10, 5);
      hu.liver = random.uniform(75, 92);
      hu.liverVessel = hu.liver + random.uniform(10, 30);
      hu.spleen = random.uniform(72, 88);
      hu.kidneyCortex = random.uniform(130, 160);
      hu.kidneyMedulla = hu.kidneyCortex + random.uniform(-10, 10);
      hu.pancreas = random.uniform(65, 80);
      spec.collectingSystemHu = random.uniform(600, 1000);
      return;
    case 'shifted-fov':
      spec.zShift = random.sign() * random.uniform(40, 55);
      return;
    case 'pathology':
      hu.liver = random.uniform(-25, 5);
      hu.liverVessel = hu.liver + random.uniform(40, 80);
      hu.liverLesion = hu.liver + random.sign() * random.uniform(25, 45);
      spec.liverLesions = random.int(2, 4);
      spec.spleenScale = random.uniform(1.35, 1.7);
      return;
    case 'low-dose':
      spec.noise = random.uniform(35, 55);
      return;
  }
}
