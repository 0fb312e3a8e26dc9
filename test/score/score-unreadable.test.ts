import assert from 'node:assert/strict';
import { cp, mkdtemp, readFile, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { runSentinel } from '../run-cli.js';
import { modelArgs, readCsv, writeTotalSegmentatorCase } from './score-fixtures.js';

// `sentinel score` on a dataset where some files cannot be read: case_b's CT is cut short,
// case_c's liver mask is cut short and its spleen mask is not NIfTI, and case_d's reference is
// cut short. The other cases and organs are scored as in a clean run, the CSVs are written,
// every unreadable file is named, and the exit code is 1.

let dir: string;
let clean: Record<string, string>[];

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'score-unreadable-'));
  const data = join(dir, 'data');
  const truth = join(dir, 'truth');
  for (const [index, id] of ['case_a', 'case_b', 'case_c', 'case_d'].entries())
    await writeTotalSegmentatorCase({ dir: data, id, index, truth });
  await cp(data, join(dir, 'clean'), { recursive: true });
  const cleanRun = await runSentinel([
    'score',
    join(dir, 'clean'),
    '--out',
    join(dir, 'clean.csv'),
    ...modelArgs(),
  ]);
  assert.equal(cleanRun.exitCode, 0, cleanRun.stderr);
  clean = await readCsv(join(dir, 'clean.csv'));
  const cutShort = async (path: string) => truncate(path, (await readFile(path)).length - 40);
  await cutShort(join(data, 'case_b', 'ct.nii.gz'));
  await cutShort(join(data, 'case_c', 'segmentations', 'liver.nii.gz'));
  await writeFile(join(data, 'case_c', 'segmentations', 'spleen.nii.gz'), 'not a NIfTI file\n');
  await cutShort(join(truth, 'case_d', 'segmentations', 'stomach.nii.gz'));
});

after(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

for (const workers of ['0', '2']) {
  test(`with --workers ${workers}: the readable cases and organs are scored, the rest named, exit 1`, async () => {
    const out = join(dir, `scores-${workers}.csv`);
    const args = ['score', join(dir, 'data'), '--truth', join(dir, 'truth'), '--out', out];
    const run = await runSentinel([...args, '--workers', workers, ...modelArgs()]);
    assert.equal(run.exitCode, 1, run.stderr);
    assert.doesNotMatch(run.stderr, /internal error|\n\s+at /);
    assert.match(
      run.stderr,
      /case_b: not scored: .*case_b\/ct\.nii\.gz: the gzip stream is truncated/,
    );
    assert.match(
      run.stderr,
      /case_c\/liver: no score: .*liver\.nii\.gz: the gzip stream is truncated/,
    );
    assert.match(run.stderr, /case_c\/spleen: no score: .*spleen\.nii\.gz/);
    assert.match(
      run.stderr,
      /case_d\/stomach: no true Dice, its reference: .*truth\/case_d\/segmentations\/stomach\.nii\.gz: the gzip stream is truncated/,
    );
    assert.match(run.stderr, /error: 4 input\(s\) of 3 case\(s\) could not be read/);
    assert.match(run.stderr, /hint: the other scores are in .*scores-\d\.csv/);

    const rows = await readCsv(out);
    const key = (r: Record<string, string>) => `${r.case}/${r.organ}`;
    const byKey = new Map(rows.map((r) => [key(r), r]));
    assert.ok(!rows.some((r) => r.case === 'case_b'), 'the unreadable case has no rows');
    for (const organ of ['liver', 'spleen']) {
      assert.equal(byKey.get(`case_c/${organ}`)?.score, '', `case_c/${organ} has no score`);
    }
    let compared = 0;
    for (const expected of clean) {
      if (expected.case === 'case_b' || ['case_c/liver', 'case_c/spleen'].includes(key(expected)))
        continue;
      assert.equal(byKey.get(key(expected))?.score, expected.score, key(expected));
      compared++;
    }
    assert.ok(compared >= 20, `${compared} organs compared with the clean run`);
    assert.doesNotMatch(run.stderr, /case_c.*no true Dice/, 'the unreadable liver is named once');
    assert.equal(byKey.get('case_d/stomach')?.true_dice, '', 'no true Dice for case_d/stomach');
    assert.match(byKey.get('case_d/stomach')?.score ?? '', /^-?\d+\.\d+$/, 'but a score');
    assert.match(byKey.get('case_d/liver')?.true_dice ?? '', /^(0\.\d+|1)$/);
    assert.equal(byKey.get('case_c/liver')?.true_dice, '');
  });
}
