import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { execa } from 'execa';
import { packageRoot } from '../../../src/package-root.js';
import { PYTHON, pythonSkipReason } from './torch-engine-setup.js';

const skip = await pythonSkipReason(['torch']);
const SELFTEST = join(packageRoot, 'engines/torch/selftest_mc_dropout.py');

interface SelfTest {
  normLayers: number;
  normTraining: boolean[];
  normTracksRunningStats: boolean[];
  runningStatistics: number;
  stateUnchanged: boolean;
  trainModeChangesState: boolean;
  dropoutLayers: number;
  dropoutTraining: boolean[];
  sampleDifference: number;
  sameSeedDifference: number;
  evalDifference: number;
}

async function selfTest(norm: 'batch' | 'instance'): Promise<SelfTest> {
  const { stdout } = await execa(PYTHON, [SELFTEST, '--norm', norm], { timeout: 120_000 });
  return JSON.parse(stdout) as SelfTest;
}

// Monte-Carlo dropout as the engine runs it (networks.set_mc_dropout, the engine's sliding
// window): only dropout layers sample; normalisation layers stay in eval mode.
describe('MC dropout leaves normalisation alone', { skip }, () => {
  it('BatchNorm: samples differ, running statistics unchanged, norm layers in eval', async () => {
    const result = await selfTest('batch');
    assert.equal(result.normLayers, 10);
    assert.ok(result.normTraining.every((training) => !training));
    assert.ok(result.normTracksRunningStats.every(Boolean));
    assert.equal(result.runningStatistics, 30);
    assert.ok(result.stateUnchanged, 'MC sampling changed the weights or running statistics');
    assert.ok(
      result.trainModeChangesState,
      'control failed: a training-mode pass should move the statistics',
    );
    assert.deepEqual(result.dropoutTraining, [true]);
    assert.ok(
      result.sampleDifference > 1e-4,
      `samples with different seeds differ by only ${result.sampleDifference}`,
    );
    assert.equal(result.sameSeedDifference, 0);
    assert.equal(result.evalDifference, 0);
  });

  it('InstanceNorm: no running statistics to disturb, norm layers in eval, samples differ', async () => {
    const result = await selfTest('instance');
    assert.ok(result.normTracksRunningStats.every((tracks) => !tracks));
    assert.equal(result.runningStatistics, 0);
    assert.ok(result.normTraining.every((training) => !training));
    assert.ok(result.stateUnchanged);
    assert.deepEqual(result.dropoutTraining, [true]);
    assert.ok(result.sampleDifference > 1e-4);
    assert.equal(result.sameSeedDifference, 0);
  });
});
