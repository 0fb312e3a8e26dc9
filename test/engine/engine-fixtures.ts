import { mkdir, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { EngineConfig, type EngineConfigInput } from '../../src/engine/engine-config.js';
import type { PredictTask, TrainTask } from '../../src/engine/run-engine.js';
import { writeNifti } from '../../src/volume/index.js';

// A fake engine program under test/fixtures/engines/.
export function fakeEngine(name: string): string {
  return fileURLToPath(new URL(`../../../test/fixtures/engines/${name}.js`, import.meta.url));
}

// An engine config that runs one fake engine with node.
export function fakeEngineConfig(
  name: string,
  extra: Partial<EngineConfigInput> = {},
): EngineConfig {
  return EngineConfig.parse({
    name,
    command: ['{node}', fakeEngine(name), '{action}', '--request', '{request}'],
    supportsMcDropout: true,
    ...extra,
  });
}

// A temp folder with two small cases (16 x 12 x 8 float images, label maps) and the tasks
// that train and predict on them.
export async function smallCases() {
  const dir = await mkdtemp(join(tmpdir(), 'engine-'));
  const affine = [
    [1.5, 0, 0, -10],
    [0, 1.5, 0, -8],
    [0, 0, 2.5, 4],
    [0, 0, 0, 1],
  ] as const;
  const dims = [16, 12, 8];
  const cases: { id: string; image: string; label: string }[] = [];
  for (const id of ['a', 'b']) {
    const image = new Float32Array(16 * 12 * 8).map(
      (_, i) => ((i * (id === 'a' ? 7 : 13)) % 100) / 100,
    );
    const label = Uint8Array.from(image, (v) => (v > 0.5 ? 1 : 0));
    const base = {
      dims,
      spacing: [1.5, 1.5, 2.5] as [number, number, number],
      affine: affine.map((r) => [...r]) as never,
      sclSlope: 1,
      sclInter: 0,
    };
    const paths = { id, image: join(dir, `${id}.nii.gz`), label: join(dir, `${id}_label.nii.gz`) };
    await writeNifti(paths.image, { ...base, datatype: 'float32', data: image });
    await writeNifti(paths.label, { ...base, datatype: 'uint8', data: label });
    cases.push(paths);
  }
  const classes = { '1': 'liver', '3': 'spleen' };
  const outputDir = join(dir, 'predictions');
  await mkdir(outputDir);
  const train: TrainTask = {
    action: 'train',
    init: null,
    cases,
    classes,
    seed: 1,
    checkpoint: join(dir, 'model.ckpt'),
  };
  const predict = (save: Partial<PredictTask['save']> = {}): PredictTask => ({
    action: 'predict',
    checkpoint: join(dir, 'model.ckpt'),
    cases: cases.map(({ id, image }) => ({ id, image })),
    classes,
    seed: 1,
    outputDir,
    save: { probabilities: false, mcSamples: 0, ...save },
  });
  return { dir, cases, train, predict };
}
