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
    out: { type: 'string' },
    labeled: { type: 'string', default: String(D.labeled) },
    pool: { type: 'string', default: String(D.pool) },
    test: { type: 'string', default: String(D.test) },
    seed: { type: 'string', default: String(D.seed) },
    size: { type: 'string', default: D.size.join('x') },
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
