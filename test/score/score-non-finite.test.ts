import assert from 'node:assert/strict';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { readNifti, writeNifti } from '../../src/volume/index.js';
import { runSentinel } from '../run-cli.js';
import { modelArgs, readCsv, writeTotalSegmentatorCase } from './score-fixtures.js';

// Rewrites a CT as float32 with 5 NaN voxels and 2 infinite ones.
async function spoilCt(path: string): Promise<void> {
  const ct = await readNifti(path);
  const data = Float32Array.from(ct.data as ArrayLike<number>);
  for (const i of [10, 500, 4000, 9000, 20000]) data[i] = Number.NaN;
  data[30000] = Number.POSITIVE_INFINITY;
  data[31000] = Number.NEGATIVE_INFINITY;
  await writeNifti(path, { ...ct, data, datatype: 'float32', sclSlope: 1, sclInter: 0 });
}

test('a CT with NaN or infinite voxels: a warning with the file and count; its organs marked invalid in the CSV, the worklist and the summary, not ranked first', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'score-non-finite-'));
  const data = join(dir, 'data');
  for (const [index, id] of ['case_a', 'case_b'].entries())
    await writeTotalSegmentatorCase({ dir: data, id, index });
  const ct = join(data, 'case_b', 'ct.nii.gz');
  await spoilCt(ct);
  const out = join(dir, 'scores.csv');
  const run = await runSentinel(['score', data, '--out', out, '--workers', '0', ...modelArgs()]);
  assert.equal(run.exitCode, 0, run.stderr);
  assert.match(
    run.stderr,
    /case_b: .*case_b\/ct\.nii\.gz: 7 voxel\(s\) are NaN or infinite: \d+ organ score\(s\) marked invalid, not ranked/,
  );
  assert.doesNotMatch(run.stderr, /internal error|\n\s+at /);

  const rows = await readCsv(out);
  const spoiled = rows.filter((r) => r.case === 'case_b');
  assert.ok(spoiled.length > 0);
  for (const r of spoiled) {
    assert.equal(r.score, '', `${r.organ} has no score`);
    assert.match(r.invalid ?? '', /7 voxel\(s\) are NaN or infinite/);
  }
  for (const r of rows.filter((r) => r.case === 'case_a')) {
    assert.ok(Number.isFinite(Number.parseFloat(r.score ?? '')), `case_a/${r.organ} is scored`);
    assert.equal(r.invalid, '');
  }
  const worklist = await readCsv(join(dir, 'scores-worklist.csv'));
  assert.equal(worklist[0]?.case, 'case_a', 'an invalid score is not ranked first');
  const ranked = worklist.filter((w) => w.rank !== '');
  assert.ok(ranked.every((w) => w.case === 'case_a'));
  const unranked = worklist.filter((w) => w.rank === '');
  assert.equal(unranked.length, spoiled.length, 'the invalid ones are listed after, unranked');
  assert.match(
    run.stdout,
    new RegExp(`\\(${spoiled.length} more marked invalid: NaN or infinite CT voxels\\)`),
  );
});
