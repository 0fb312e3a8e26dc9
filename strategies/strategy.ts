import type { ClassMap } from '../src/volume/class-map.js';

// One pseudo-labelled case of the pool, as a strategy sees it (absolute paths).
export interface PoolCase {
  id: string;
  image: string;
  // The pseudo label: a label map on the image's grid (values from the class map).
  mask: string;
  // Saved softmax probabilities (NIfTI 4D x,y,z,class or nnU-Net .npz), when the engine wrote them.
  probabilities?: string;
  // The T Monte-Carlo-dropout probability maps, when the engine wrote them.
  mcSamples?: string[];
  // The engine's fused maps (contract save.entropyMap / save.mcStdMap): one value per voxel,
  // written instead of the probabilities / samples when the engine config says `fused`.
  entropyMap?: string;
  mcStdMap?: string;
  // The reference label map, when ground truth exists (oracle only).
  truth?: string;
}

// Settings a strategy may read; validated once with the experiment config.
export interface StrategyOptions {
  // Folder of the QS bundle (model.onnx + manifest.json).
  qsModel?: string;
  // Slices per ONNX batch for QS.
  qsBatchSize?: number;
}

export interface ScoreContext {
  classes: ClassMap;
  seed: number;
  options: StrategyOptions;
  warn(message: string): void;
}

// One organ's score: higher = better label quality; null = no score (n/a).
export interface OrganScore {
  organ: string;
  score: number | null;
  // Slices the score was computed from (QS); the voxels count otherwise, when meaningful.
  slices?: number;
  // The slice index k where the organ looks worst (QS), for worklist thumbnails.
  worstSlice?: number | null;
}

export interface CaseScores {
  caseId: string;
  organs: OrganScore[];
  // The case-level score; when a strategy leaves it out it is the mean over scored organs.
  caseScore?: number | null;
}

// What a strategy needs besides the pool's images and pseudo labels. The experiment derives its
// jobs from these alone: saved probabilities are one more prediction pass over the pool, MC
// samples T stochastic passes per seed; truth and the QS bundle are checked and handed over.
export interface StrategyNeeds {
  // Softmax probabilities of the pool (PoolCase.probabilities).
  probabilities?: boolean;
  // T Monte-Carlo-dropout probability maps per pool case (PoolCase.mcSamples).
  mcSamples?: boolean;
  // The pool's reference labels (PoolCase.truth): only where ground truth exists.
  truth?: boolean;
  // The QS model bundle (options.qsModel); its hash is recorded with the experiment.
  qsBundle?: boolean;
}

// The needs a strategy may declare, for checking a user's module.
export const STRATEGY_NEEDS = ['probabilities', 'mcSamples', 'truth', 'qsBundle'] as const;

// What each scoring method declares about itself and the pool outputs it needs.
export interface Strategy {
  name: string;
  description: string;
  // Whether the scores change with the seed (a random draw, MC passes): scored once per seed
  // in an experiment; other methods are scored once and shared by all seeds.
  randomized: boolean;
  needs: StrategyNeeds;
  // Scores every case; returns one entry per case, in the order given.
  score(cases: PoolCase[], context: ScoreContext): Promise<CaseScores[]>;
}
