import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { EngineConfig } from '../../src/engine/engine-config.js';
import { uncertaintySave } from '../../src/experiment/jobs/uncertainty-save.js';

const engine = (extra: Record<string, unknown>) =>
  EngineConfig.parse({ name: 'e', command: ['engine'], supportsMcDropout: true, ...extra });

// The config switch: what the planner's predict jobs ask an engine to save.
describe('uncertaintySave', () => {
  it('defaults to the file path: probabilities and MC samples as asked', () => {
    assert.equal(engine({}).uncertainty, 'files');
    assert.deepEqual(uncertaintySave(engine({}), { probabilities: true, mcSamples: 0 }), {
      probabilities: true,
      mcSamples: 0,
    });
    assert.deepEqual(uncertaintySave(engine({}), { probabilities: false, mcSamples: 3 }), {
      probabilities: false,
      mcSamples: 3,
    });
  });

  it('with uncertainty: fused, asks for the entropy map and the MC-std map over the same T', () => {
    const fused = engine({ uncertainty: 'fused' });
    assert.deepEqual(uncertaintySave(fused, { probabilities: true, mcSamples: 0 }), {
      probabilities: false,
      mcSamples: 0,
      entropyMap: true,
    });
    assert.deepEqual(uncertaintySave(fused, { probabilities: false, mcSamples: 3 }), {
      probabilities: false,
      mcSamples: 0,
      mcStdMap: 3,
    });
    // Pseudo labels and test predictions ask for neither: masks only, whatever the switch.
    assert.deepEqual(uncertaintySave(fused, { probabilities: false, mcSamples: 0 }), {
      probabilities: false,
      mcSamples: 0,
    });
  });

  it('refuses an unknown switch value with the valid ones', () => {
    const parsed = EngineConfig.safeParse({ name: 'e', command: ['x'], uncertainty: 'stream' });
    assert.equal(parsed.success, false);
    assert.match(JSON.stringify(parsed.error?.issues), /files.*fused|fused.*files/);
  });
});
