import { join } from 'node:path';
import type { PoolCase, StrategyNeeds } from '../../strategies/strategy.js';
import type { ExperimentCase } from './dataset.js';
import type { PredictOutput, PredictedCaseFiles } from './jobs/engine-jobs.js';

// A predict job's files for one case with absolute paths.
export function predictedFiles(
  dir: string,
  output: PredictOutput,
  caseId: string,
): PredictedCaseFiles {
  const files = output.cases[caseId];
  if (!files) throw new Error(`bug: the predict job in ${dir} has no output for case ${caseId}`);
  return {
    mask: join(dir, files.mask),
    ...(files.probabilities ? { probabilities: join(dir, files.probabilities) } : {}),
    ...(files.mcSamples ? { mcSamples: files.mcSamples.map((p) => join(dir, p)) } : {}),
    ...(files.entropyMap ? { entropyMap: join(dir, files.entropyMap) } : {}),
    ...(files.mcStdMap ? { mcStdMap: join(dir, files.mcStdMap) } : {}),
  };
}

// The pool as a strategy sees it: pseudo labels from a predict job, probabilities or MC
// samples (or the engine's fused uncertainty maps) from the passes it needs, and the truth
// when it declares that it needs it.
export function poolCases(
  pool: ExperimentCase[],
  masks: { dir: string; output: PredictOutput },
  extras: readonly { dir: string; output: PredictOutput }[],
  needs: StrategyNeeds,
): PoolCase[] {
  return pool.map((c) => {
    const base = predictedFiles(masks.dir, masks.output, c.id);
    const poolCase: PoolCase = { id: c.id, image: c.image, mask: base.mask };
    if (needs.truth) poolCase.truth = c.label;
    for (const extra of extras) {
      const more = predictedFiles(extra.dir, extra.output, c.id);
      if (more.probabilities) poolCase.probabilities = more.probabilities;
      if (more.mcSamples) poolCase.mcSamples = more.mcSamples;
      if (more.entropyMap) poolCase.entropyMap = more.entropyMap;
      if (more.mcStdMap) poolCase.mcStdMap = more.mcStdMap;
    }
    return poolCase;
  });
}
