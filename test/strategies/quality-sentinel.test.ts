import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, truncate } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { isUserError } from '../../src/errors.js';
import { PHANTOM_ORGANS, renderPhantomCase } from '../../src/phantom/index.js';
import { writeNifti } from '../../src/volume/write-nifti.js';
import { getStrategy } from '../../strategies/registry.js';
import type { PoolCase, ScoreContext } from '../../strategies/strategy.js';

// The qs strategy inside an experiment: phantom CTs with their label maps as pseudo labels are
// scored; a pseudo label that cannot be read fails the job with its user error (an experiment
// does not rank a pool with a case missing), unlike `sentinel score`, which reports and goes on.

const classes = Object.fromEntries(PHANTOM_ORGANS.map((o) => [String(o.label), o.name]));
const context: ScoreContext = { classes, seed: 0, options: {}, warn: () => {} };

async function writeCases(dir: string): Promise<PoolCase[]> {
  const cases: PoolCase[] = [];
  for (const index of [0, 1]) {
    const phantom = renderPhantomCase(3, index, [32, 32, 24]);
    const image = join(dir, `case${index}_0000.nii.gz`);
    const mask = join(dir, `case${index}.nii.gz`);
    await writeNifti(image, phantom.image);
    await writeNifti(mask, phantom.label);
    cases.push({ id: `case${index}`, image, mask });
  }
  return cases;
}

test('qs scores every organ of readable pseudo labels, and fails on one cut short', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'qs-strategy-'));
  try {
    const cases = await writeCases(dir);
    const qs = getStrategy('qs');
    const scores = await qs.score(cases, context);
    assert.deepEqual(
      scores.map((s) => s.caseId),
      ['case0', 'case1'],
    );
    for (const s of scores) {
      assert.equal(s.organs.length, PHANTOM_ORGANS.length);
      assert.ok(
        s.organs.every((o) => Number.isFinite(o.score)),
        `${s.caseId}: every organ scored`,
      );
    }
    const broken = cases[1]!.mask;
    await truncate(broken, (await readFile(broken)).length - 40);
    await assert.rejects(qs.score(cases, context), (error: Error) => {
      assert.ok(isUserError(error), `a UserError, got ${error.stack}`);
      assert.match(error.message, /case1\.nii\.gz: the gzip stream is truncated/);
      assert.ok(error.hint);
      return true;
    });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
