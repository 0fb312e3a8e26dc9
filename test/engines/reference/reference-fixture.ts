import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { CONTRACT, type PredictRequest, type TrainRequest } from '../../../src/engine/contract.js';
import { type DemoDataset, makeDemoDataset } from '../../../src/phantom/index.js';

// Shared by the reference-engine tests: a tiny phantom dataset in a temporary folder, request
// builders, and a runner for the real engine subprocess.

// The compiled engine entry point.
export const referenceEngine = fileURLToPath(
  new URL('../../../engines/reference/main.js', import.meta.url),
);

// Small and fast settings for tests (the defaults are sized for 64x64x40 demo data): the
// default forest, and the network.
export const FAST_PARAMS = { samplesPerCase: 800, trees: 8, maxDepth: 14 };
export const FAST_MLP_PARAMS = {
  model: 'mlp',
  steps: 300,
  samplesPerCase: 800,
  hiddenUnits: [32, 16],
};

export interface Fixture {
  dir: string;
  dataset: DemoDataset;
  cleanup(): Promise<void>;
}

// Makes 4 labeled and 2 test phantoms on a 32x32x32 grid in a fresh temporary folder.
export async function makeFixture(): Promise<Fixture> {
  const dir = await mkdtemp(join(tmpdir(), 'sentinel-reference-'));
  const dataset = await makeDemoDataset({
    out: join(dir, 'data'),
    labeled: 4,
    pool: 0,
    test: 2,
    seed: 11,
    size: [32, 32, 32],
  });
  return { dir, dataset, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

// A train request over the fixture's labeled cases; `name` picks the checkpoint and response.
export function trainRequest(
  fixture: Fixture,
  name: string,
  overrides: Partial<TrainRequest> = {},
): TrainRequest {
  return {
    contract: CONTRACT,
    action: 'train',
    init: null,
    cases: fixture.dataset.labeled.map(({ id, image, label }) => ({ id, image, label })),
    classes: fixture.dataset.classes,
    seed: 1,
    checkpoint: join(fixture.dir, `${name}.ckpt.json`),
    response: join(fixture.dir, `${name}.train-response.json`),
    workdir: join(fixture.dir, 'work'),
    params: FAST_PARAMS,
    ...overrides,
  };
}

// A predict request over the fixture's test cases; `name` picks the output folder.
export function predictRequest(
  fixture: Fixture,
  checkpoint: string,
  name: string,
  overrides: Partial<PredictRequest> = {},
): PredictRequest {
  return {
    contract: CONTRACT,
    action: 'predict',
    checkpoint,
    cases: fixture.dataset.test.map(({ id, image }) => ({ id, image })),
    classes: fixture.dataset.classes,
    seed: 1,
    outputDir: join(fixture.dir, name),
    save: { probabilities: false, mcSamples: 0, probabilityType: 'float32' },
    response: join(fixture.dir, `${name}.predict-response.json`),
    workdir: join(fixture.dir, 'work'),
    params: {},
    ...overrides,
  };
}

// Writes `request` (any JSON, or raw text) next to the fixture and runs the engine on it.
export async function runReference(
  fixture: Fixture,
  action: string,
  request: unknown,
  name = `${action}-request`,
): Promise<{ exitCode: number; stderr: string }> {
  const path = join(fixture.dir, `${name}.json`);
  await writeFile(path, typeof request === 'string' ? request : JSON.stringify(request));
  const result = await execa(process.execPath, [referenceEngine, action, '--request', path], {
    reject: false,
  });
  return { exitCode: result.exitCode ?? -1, stderr: result.stderr };
}
