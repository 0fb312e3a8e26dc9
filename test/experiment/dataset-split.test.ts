import assert from 'node:assert/strict';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { resolveDataset } from '../../src/experiment/dataset.js';

test('a split that names a case twice is refused, naming the case', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'split-'));
  const dataset = join(dir, 'dataset.json');
  const split = join(dir, 'split.json');
  await writeFile(dataset, JSON.stringify({ labels: { background: 0, liver: 1 } }));
  const pool = Array.from({ length: 3000 }, (_, i) => `p${i}`);
  await writeFile(split, JSON.stringify({ labeled: ['a', 'b'], pool, test: ['p2999'] }));
  await assert.rejects(resolveDataset({ dataset, split }, dir), {
    name: 'UserError',
    message: `${split}: case p2999 appears twice`,
  });
});
