// bench:swinunetr: SwinUNETR's CPU costs as the torch engine runs it, so that a user can size a
// GPU or cluster run next to the paper's Table 3: for feature_size 12 and 48 and patches 64^3
// and 96^3, one training step (batch 1), predicting one phantom case (64x64x40) and one real CT
// (../shared/data's TotalSegmentator example, 122x101x30 at 3 mm) through MONAI's
// sliding_window_inference (overlap 0.5, Gaussian), T = 3 MC-dropout passes over the phantom,
// and the peak RSS. Each setting runs in its own process (bench/swinunetr.py), which starts no
// other: its VmHWM is the peak RSS of the process tree. MONAI is found as the tests find it.
//
//   npm run bench:swinunetr -- [--settings 12x64,12x96,48x64,48x96] [--threads N]

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { execa } from 'execa';
import { packageRoot } from '../src/package-root.js';
import { makeDemoDataset } from '../src/phantom/index.js';
import { TEST_PYTHON, monaiRequirement } from '../test/requirements/python-modules.js';
import { testDataFile } from '../test/requirements/test-data.js';

interface Cost {
  wallSeconds: number;
  cpuSeconds: number;
}
interface Prediction extends Cost {
  shape: number[];
  windows: number;
}
interface Result {
  featureSize: number;
  patch: number;
  threads: number;
  torch: string;
  parameters: number;
  trainStep: Cost & { batch: number };
  predict: Prediction[];
  mc3: Prediction;
  peakRssBytes: number;
}

const { values } = parseArgs({
  options: {
    settings: { type: 'string', default: '12x64,12x96,48x64,48x96' },
    threads: { type: 'string', default: '' },
  },
});

const cost = (c: Cost) => `${c.cpuSeconds.toFixed(1)} (${c.wallSeconds.toFixed(1)})`;
const predictCost = (p: Prediction) => `${cost(p)} [${p.windows} win]`;

function row(r: Result): string {
  const [phantom, real] = r.predict;
  return [
    `${r.featureSize}`,
    `${r.patch}^3`,
    `${(r.parameters / 1e6).toFixed(1)} M`,
    cost(r.trainStep),
    phantom ? predictCost(phantom) : '-',
    real ? predictCost(real) : '-',
    predictCost(r.mc3),
    `${(r.peakRssBytes / 2 ** 30).toFixed(2)} GiB`,
  ].join(' | ');
}

async function main(): Promise<void> {
  const monai = monaiRequirement();
  if (monai.skip) throw new Error(monai.skip);
  const dir = await mkdtemp(join(tmpdir(), 'bench-swinunetr-'));
  const data = await makeDemoDataset({
    ...{ out: join(dir, 'data'), labeled: 1, pool: 0, test: 1, seed: 0, size: [64, 64, 40] },
  });
  const images = [data.test[0]!.image, testDataFile('totalsegmentator-example/ct.nii.gz')];
  const env = values.threads ? { ...monai.env, OMP_NUM_THREADS: values.threads } : monai.env;
  process.stdout.write(
    'CPU s (wall s) per item; [win] = 64^3 or 96^3 windows run; peak RSS of the process\n' +
      'feature_size | patch | parameters | train step (batch 1) | predict phantom 64x64x40 | predict real CT 122x101x30 | MC T=3 (phantom) | peak RSS\n' +
      '--- | --- | --- | --- | --- | --- | --- | ---\n',
  );
  for (const setting of values.settings.split(',')) {
    const [featureSize = '', patch = ''] = setting.split('x');
    const child = await execa(
      TEST_PYTHON,
      [
        join(packageRoot, 'bench/swinunetr.py'),
        '--feature-size',
        featureSize,
        '--patch',
        patch,
        ...images,
      ],
      { env },
    );
    const result = JSON.parse(child.stdout) as Result;
    process.stdout.write(`${row(result)}\n`);
  }
  process.stdout.write(
    `(torch threads: ${values.threads || 'default'}; MONAI from ${monai.env.PYTHONPATH ?? "the interpreter's install"})\n`,
  );
  await rm(dir, { recursive: true, force: true });
}

await main();
