import { DEMO_DATASET_DEFAULTS as D } from '../../phantom/demo-dataset-options.js';
import { makeDemoDataset } from '../../phantom/make-demo-dataset.js';
import { defineCommand } from '../command.js';
import { gridSize, stringFlag, text, wholeNumber } from '../flags.js';

// `sentinel demo-data --out DIR [...]`: writes the synthetic abdominal CT phantom dataset.
const demoData = defineCommand({
  description:
    'Make the synthetic abdominal CT phantom dataset (nnU-Net layout, labeled/pool/test split)',
  usage:
    'sentinel demo-data --out DIR [--labeled 20] [--pool 100] [--test 20] [--seed 0] [--size 64x64x40]',
  flags: {
    out: stringFlag('DIR', 'dataset folder to write (required)', text),
    labeled: stringFlag(
      'N',
      'cases with ground truth that train the first model',
      wholeNumber(),
      String(D.labeled),
    ),
    pool: stringFlag(
      'N',
      'unlabeled cases to pseudo-label and score (their truth is kept for revision)',
      wholeNumber(),
      String(D.pool),
    ),
    test: stringFlag('N', 'held-out evaluation cases', wholeNumber(), String(D.test)),
    seed: stringFlag(
      'N',
      'seed of the phantoms (same seed and sizes, same files)',
      wholeNumber(),
      String(D.seed),
    ),
    size: stringFlag('XxYxZ', 'voxel grid of every phantom', gridSize, D.size.join('x')),
  },
  async run({ flags }) {
    const started = performance.now();
    const made = await makeDemoDataset(flags);
    const cases = made.labeled.length + made.pool.length + made.test.length;
    const spacing = made.spacing.map((s) => Number(s.toFixed(3))).join('x');
    const what = made.reused
      ? 'already there'
      : `made in ${((performance.now() - started) / 1000).toFixed(1)} s`;
    process.stdout.write(
      `demo-data: ${cases} phantoms (${made.labeled.length} labeled, ${made.pool.length} pool, ${made.test.length} test), ` +
        `${made.size.join('x')} voxels of ${spacing} mm, seed ${made.seed}, in ${made.dir} (${what})\n`,
    );
    return 0;
  },
});
export default demoData;
