import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { PHANTOM_ORGANS } from '../../src/phantom/index.js';
import { readNifti } from '../../src/volume/index.js';
import { runSentinel } from '../run-cli.js';
import { GRID, boxMask, modelArgs, readCsv, writeTotalSegmentatorCase } from './score-fixtures.js';

// `sentinel score` on a TotalSegmentator-style folder of two phantom cases: case_a as drawn,
// case_b with five organs eroded, plus in case_a two masks of organs no QS bundle knows.
// --truth points at the undegraded masks. One run; the tests check what it wrote and printed.

const ERODED = ['liver', 'spleen', 'stomach', 'kidney_left', 'kidney_right'];
const UNKNOWN = ['zz_phantom_blob', 'mystery_organ'];
const organs = PHANTOM_ORGANS.map((o) => o.name);

let dir: string;
let run: Awaited<ReturnType<typeof runSentinel>>;
let rows: Record<string, string>[];
let worklist: Record<string, string>[];

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'score-totalseg-'));
  const data = join(dir, 'data');
  const truth = join(dir, 'truth');
  await writeTotalSegmentatorCase({
    dir: data,
    id: 'case_a',
    index: 1,
    truth,
    extra: Object.fromEntries(UNKNOWN.map((name) => [name, boxMask(GRID, 12, 20)])),
  });
  await writeTotalSegmentatorCase({ dir: data, id: 'case_b', index: 0, eroded: ERODED, truth });
  const out = join(dir, 'out', 'scores.csv');
  run = await runSentinel(['score', data, '--truth', truth, '--out', out, ...modelArgs()]);
  if (run.exitCode === 0) {
    rows = await readCsv(out);
    worklist = await readCsv(join(dir, 'out', 'scores-worklist.csv'));
  }
});

after(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

test('exits 0 and writes one CSV row per organ file, with the true Dice', () => {
  assert.equal(run.exitCode, 0, run.stderr);
  assert.deepEqual(Object.keys(rows[0]!), [
    'case',
    'organ',
    'score',
    'slices',
    'true_dice',
    'invalid',
  ]);
  const expected = [
    ...[...organs, ...UNKNOWN].sort().map((organ) => `case_a/${organ}`),
    ...[...organs].sort().map((organ) => `case_b/${organ}`),
  ];
  assert.deepEqual(
    rows.map((r) => `${r.case}/${r.organ}`),
    expected,
  );
  for (const r of rows) {
    const known = !UNKNOWN.includes(r.organ!);
    if (known) {
      assert.ok(Number.isFinite(Number(r.score)) && r.score !== '', `${r.case}/${r.organ} scored`);
      assert.ok(Number(r.slices) > 0, `${r.case}/${r.organ} from some slices`);
    } else assert.equal(r.slices, '', `${r.case}/${r.organ}: no score, no slice count`);
    const degraded = r.case === 'case_b' && ERODED.includes(r.organ!);
    const dice = Number(r.true_dice);
    if (degraded) assert.ok(dice > 0 && dice < 1, `${r.case}/${r.organ} true Dice ${dice} < 1`);
    else assert.equal(dice, 1, `${r.case}/${r.organ} is undegraded`);
  }
});

test('organs the bundle does not know get no score and one grouped warning, not an error', () => {
  for (const organ of UNKNOWN) {
    const row = rows.find((r) => r.case === 'case_a' && r.organ === organ);
    assert.equal(row?.score, '', organ);
  }
  const warnings = run.stderr.split('\n').filter((l) => l.includes('not in the QS bundle'));
  assert.deepEqual(warnings, [
    `warning: case_a: not in the QS bundle, no score for 2 organ(s): ${[...UNKNOWN].sort().join(', ')}`,
  ]);
  assert.doesNotMatch(run.stderr, /error|at .*\.js:\d+/);
});

test('the worklist holds every scored organ, worst first', () => {
  const scored = rows.filter((r) => r.score !== '');
  assert.equal(worklist.length, scored.length);
  assert.deepEqual(Object.keys(worklist[0]!), [
    'rank',
    'case',
    'organ',
    'score',
    'slices',
    'worst_slice',
    'invalid',
  ]);
  const scores = worklist.map((r) => Number(r.score));
  assert.deepEqual(
    scores,
    [...scores].sort((a, b) => a - b),
  );
  assert.deepEqual(
    worklist.map((r) => Number(r.rank)),
    worklist.map((_, i) => i + 1),
  );
  const rowScore = new Map(scored.map((r) => [`${r.case}/${r.organ}`, r.score]));
  for (const w of worklist) assert.equal(w.score, rowScore.get(`${w.case}/${w.organ}`));
});

test("each worklist row names a slice of its organ's mask to look at first", async () => {
  for (const w of worklist) {
    const mask = await readNifti(join(dir, 'data', w.case!, 'segmentations', `${w.organ}.nii.gz`));
    const [nx = 0, ny = 0, nz = 0] = mask.dims;
    const k = Number(w.worst_slice);
    assert.ok(Number.isInteger(k) && k >= 0 && k < nz, `${w.case}/${w.organ}: ${w.worst_slice}`);
    const plane = mask.data.subarray(k * nx * ny, (k + 1) * nx * ny);
    assert.ok(
      plane.some((v) => v > 0),
      `${w.case}/${w.organ}: slice ${k} has no mask voxels`,
    );
  }
});

test('prints the per-organ summary and the ranking quality against the truth', () => {
  const lines = run.stdout.split('\n');
  assert.match(lines[0]!, /^organ\s+n\s+mean QS\s+below 0\.8$/);
  assert.match(run.stdout, /below 0\.8: the share .* worst_slice: the 0-based index k/);
  for (const organ of organs) {
    const line = lines.find((l) => l.startsWith(`${organ} `));
    assert.match(line ?? '', new RegExp(`^${organ}\\s+2\\s+-?\\d+\\.\\d{3}\\s+\\d+%$`), organ);
  }
  for (const organ of UNKNOWN)
    assert.equal(
      lines.some((l) => l.startsWith(`${organ} `)),
      false,
    );
  const scoredWithTruth = rows.filter((r) => r.score !== '').length;
  assert.match(
    run.stdout,
    new RegExp(
      `against the truth \\(${scoredWithTruth} organ labels\\): Pearson r -?\\d\\.\\d{3}, Spearman rho -?\\d\\.\\d{3}, MAP@5 \\d\\.\\d{3}, MAP@10 \\d\\.\\d{3}`,
    ),
  );
  assert.match(run.stdout, /scored 18 organs of 2 case\(s\)/);
});

test('--organs scores only the organs named, as in the full run, and warns of absent ones', async () => {
  const out = join(dir, 'some', 'scores.csv');
  const some = await runSentinel([
    'score',
    join(dir, 'data'),
    '--truth',
    join(dir, 'truth'),
    '--organs',
    'pancreas, liver,no_such_organ',
    '--out',
    out,
    ...modelArgs(),
  ]);
  assert.equal(some.exitCode, 0, some.stderr);
  assert.match(some.stderr, /--organs: no case has no_such_organ/);
  assert.doesNotMatch(some.stderr, /not in the QS bundle/);
  const picked = await readCsv(out);
  const full = rows.filter((r) => r.organ === 'liver' || r.organ === 'pancreas');
  assert.deepEqual(picked, full);
});

test("one pair given as CASE/ct.nii.gz is named by its folder, not 'ct'", async () => {
  const out = join(dir, 'pair', 'scores.csv');
  const caseDir = join(dir, 'data', 'case_b');
  const pair = await runSentinel([
    'score',
    '--image',
    join(caseDir, 'ct.nii.gz'),
    '--segmentations',
    join(caseDir, 'segmentations'),
    '--out',
    out,
    ...modelArgs(),
  ]);
  assert.equal(pair.exitCode, 0, pair.stderr);
  const pairRows = await readCsv(out);
  assert.ok(pairRows.length > 0);
  assert.deepEqual([...new Set(pairRows.map((r) => r.case))], ['case_b']);
});
