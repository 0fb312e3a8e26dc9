import {
  DEMO_DATASET_DEFAULTS as D,
  parseCount,
  parseGridSize,
} from '../../phantom/demo-dataset-options.js';
import { makeDemoDataset } from '../../phantom/make-demo-dataset.js';
import type { Command } from '../command.js';

// `sentinel demo-data --out DIR [...]`: writes the synthetic abdominal CT phantom dataset.
const demoData: Command = {
  description:
    'Make the synthetic abdominal CT phantom dataset (nnU-Net layout, labeled/pool/test split)',
  usage:
    'sentinel demo-data --out DIR [--labeled 20] [--pool 100] [--test 20] [--seed 0] [--size 64x64x40]',
  options: {
    out: { type: 'string', value: 'DIR', help: 'dataset folder to write (required)' },
    labeled: {
      type: 'string',
      value: 'N',
      default: String(D.labeled),
      help: 'cases with ground truth that train the first model',
    },
    pool: {
      type: 'string',
      value: 'N',
      default: String(D.pool),
      help: 'unlabeled cases to pseudo-label and score (their truth is kept for revision)',
    },
    test: {
      type: 'string',
      value: 'N',
      default: String(D.test),
      help: 'held-out evaluation cases',
    },
    seed: {
      type: 'string',
      value: 'N',
      default: String(D.seed),
      help: 'seed of the phantoms (same seed and sizes, same files)',
    },
    size: {
      type: 'string',
      value: 'XxYxZ',
      default: D.size.join('x'),
      help: 'voxel grid of every phantom',
    },
  },
  async run({ values }) {
    const text = (name: string) => String(values[name] ?? '');
    const started = performance.now();
    const made = await makeDemoDataset({
      out: text('out'),
      labeled: parseCount('labeled', text('labeled')),
      pool: parseCount('pool', text('pool')),
      test: parseCount('test', text('test')),
      seed: parseCount('seed', text('seed')),
      size: parseGridSize(text('size')),
    });
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
};
export default demoData;
