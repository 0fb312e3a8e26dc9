import type { EngineConfig } from '../../engine/engine-config.js';
import type { PredictTask } from '../../engine/run-engine.js';

// What a predict job asks the engine to save. The planner asks for what the uncertainty
// methods read (probabilities for entropy, T samples for mc-dropout); with `uncertainty: fused`
// in the engine config the same need becomes the engine's compact output instead: the
// per-voxel entropy map, the MC-std map over the same T passes. Masks are written either way.
export function uncertaintySave(
  engine: Pick<EngineConfig, 'uncertainty'>,
  want: { probabilities: boolean; mcSamples: number },
): PredictTask['save'] {
  if (engine.uncertainty !== 'fused') {
    return { probabilities: want.probabilities, mcSamples: want.mcSamples };
  }
  return {
    probabilities: false,
    mcSamples: 0,
    ...(want.probabilities ? { entropyMap: true } : {}),
    ...(want.mcSamples > 0 ? { mcStdMap: want.mcSamples } : {}),
  };
}
