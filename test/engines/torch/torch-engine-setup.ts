import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { EngineConfig } from '../../../src/engine/engine-config.js';
import { packageRoot } from '../../../src/package-root.js';
import { type DemoDataset, makeDemoDataset } from '../../../src/phantom/index.js';
import { TEST_PYTHON, pythonSkipReason } from '../../requirements/python-modules.js';

// The Python every engine test runs: Debian's, where python3-torch and python3-nibabel live;
// and why a test needing some of its modules skips (test/requirements/python-modules.ts).
export const PYTHON = TEST_PYTHON;
export { pythonSkipReason };

// The torch engine's entry script in this checkout.
export const TORCH_ENGINE = join(packageRoot, 'engines/torch/sentinel_torch_engine.py');

// Engine params that keep a test's CPU time small: the small U-Net, a 16^3 patch, few steps,
// one thread.
export const TINY_PARAMS = {
  network: 'unet',
  features: 4,
  patchSize: [16, 16, 16],
  steps: 6,
  batchSize: 2,
  threads: 1,
  windowBatchSize: 4,
  logEvery: 3,
};

// An engine config running the torch engine with Debian's Python and the given params.
export function torchEngineConfig(params: Record<string, unknown> = {}): EngineConfig {
  return EngineConfig.parse({
    name: 'torch-unet-test',
    command: [
      PYTHON,
      '{package}/engines/torch/sentinel_torch_engine.py',
      '{action}',
      '--request',
      '{request}',
    ],
    params: { ...TINY_PARAMS, ...params },
    probabilityType: 'float32',
    supportsMcDropout: true,
  });
}

// A temp folder with a tiny phantom dataset (32^3 voxels): 2 labeled, 1 pool, 1 test case.
export async function tinyPhantoms(prefix: string): Promise<{ dir: string; data: DemoDataset }> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  const data = await makeDemoDataset({
    out: join(dir, 'data'),
    labeled: 2,
    pool: 1,
    test: 1,
    seed: 3,
    size: [32, 32, 32],
  });
  return { dir, data };
}

// Runs the torch engine directly (no runner), for requests that must fail; `env` is added to
// the environment.
export async function runTorchEngine(args: string[], env: Record<string, string> = {}) {
  const result = await execa(PYTHON, [TORCH_ENGINE, ...args], {
    reject: false,
    timeout: 300_000,
    env,
  });
  return { exitCode: result.exitCode ?? -1, stdout: result.stdout, stderr: result.stderr };
}
