import assert from 'node:assert/strict';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { UserError } from '../../src/errors.js';
import { packageRoot } from '../../src/package-root.js';
import { writeNifti } from '../../src/volume/write-nifti.js';
import { resolveStrategies, resolveStrategy } from '../../strategies/registry.js';

const example = join(packageRoot, 'docs', 'examples', 'volume-outlier-strategy.mjs');

// A folder outside src/ with one module per entry of `modules` (file name -> source).
async function folderWith(modules: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'user-strategy-'));
  for (const [name, source] of Object.entries(modules)) await writeFile(join(dir, name), source);
  return dir;
}

test('the example module of docs/ loads by path and scores the organ far from its median lowest', async () => {
  const { strategy, module } = await resolveStrategy(example, '/');
  assert.equal(module, example);
  assert.equal(strategy.name, 'volume-outlier');
  assert.deepEqual(strategy.needs, {});
  // Masks of 4 voxels with 1, 2, 2 and 4 voxels of organ 1: median 2, so a (1) and d (4) are
  // equally far off (|ln 2|), b and c at the median score 0.
  const dir = await folderWith({});
  const cases = [];
  for (const [id, n] of [
    ['a', 1],
    ['b', 2],
    ['c', 2],
    ['d', 4],
  ] as const) {
    const mask = join(dir, `${id}.nii.gz`);
    const data = new Uint8Array(8).map((_, i) => (i < n ? 1 : 0));
    const affine = [
      [1, 0, 0, 0],
      [0, 1, 0, 0],
      [0, 0, 1, 0],
      [0, 0, 0, 1],
    ] as never;
    const volume = { dims: [2, 2, 2], spacing: [1, 1, 1] as [number, number, number], affine };
    await writeNifti(mask, { ...volume, datatype: 'uint8', data, sclSlope: 1, sclInter: 0 });
    cases.push({ id, image: mask, mask });
  }
  const scores = await strategy.score(cases, {
    classes: { '1': 'liver' },
    seed: 0,
    options: {},
    warn: () => {},
  });
  const liver = scores.map((s) => s.organs[0]?.score ?? Number.NaN);
  assert.ok(Math.abs((liver[0] ?? 0) + Math.log(2)) < 1e-12, String(liver));
  assert.deepEqual(liver.slice(1, 3), [0, 0]);
  assert.ok(Math.abs((liver[3] ?? 0) + Math.log(2)) < 1e-12, String(liver));
});

test('a user module is found relative to the folder given, as .js or .mjs', async () => {
  const source = `export default { name: 'first-case', description: 'd', randomized: false, needs: { truth: true },
    async score(cases) { return cases.map((c, i) => ({ caseId: c.id, organs: [], caseScore: i })); } };`;
  const dir = await folderWith({
    'mine.js': source.replace('first-case', 'js-one'),
    'mine.mjs': source,
  });
  const [js, mjs] = await resolveStrategies(['./mine.js', 'mine.mjs'], dir);
  assert.equal(js?.strategy.name, 'js-one');
  assert.equal(mjs?.strategy.name, 'first-case');
  assert.equal(mjs?.module, join(dir, 'mine.mjs'));
});

test('a missing module, a bad default export, a clash with a built-in name are clear user errors', async () => {
  const dir = await folderWith({
    'none.mjs': 'export const strategy = {};',
    'no-score.mjs': "export default { name: 'x', description: 'd', randomized: false, needs: {} };",
    'bad-need.mjs':
      "export default { name: 'x', description: 'd', randomized: false, needs: { labels: true }, score() {} };",
    'clash.mjs':
      "export default { name: 'qs', description: 'd', randomized: false, needs: {}, score() {} };",
    'broken.mjs': 'export default {',
  });
  const cases: [string, RegExp][] = [
    ['./missing.mjs', /no such strategy module .*missing\.mjs/],
    ['./none.mjs', /not a strategy: there is no default export/],
    ['./no-score.mjs', /score\(cases, context\) must be a function/],
    [
      './bad-need.mjs',
      /needs\.labels is unknown \(known: probabilities, mcSamples, truth, qsBundle\)/,
    ],
    ['./clash.mjs', /"qs" is the name of a built-in method/],
    ['./broken.mjs', /cannot be loaded/],
    ['magic', /unknown method "magic"/],
  ];
  for (const [method, message] of cases) {
    await assert.rejects(resolveStrategy(method, dir), (error: unknown) => {
      assert.ok(error instanceof UserError, String(error));
      assert.match(error.message, message);
      assert.ok(error.hint, `${method}: a hint`);
      return true;
    });
  }
  await assert.rejects(resolveStrategies(['random', 'random'], dir), /given twice/);
});
