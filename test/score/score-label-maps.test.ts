import assert from 'node:assert/strict';
import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { PHANTOM_ORGANS, makeDemoDataset } from '../../src/phantom/index.js';
import { readLabelMap } from '../../src/volume/read-label-map.js';
import { writeNifti } from '../../src/volume/write-nifti.js';
import { runSentinel } from '../run-cli.js';
import { GRID, erode, modelArgs, organMasks, readCsv } from './score-fixtures.js';

// `sentinel score` on label maps: an nnU-Net dataset (dataset.json, imagesTr/labelsTr and
// imagesTs/labelsTs, as `sentinel demo-data` writes it), a Decathlon (MSD) one, and one
// --image/--labels/--classes pair whose liver was eroded, against the drawn label map as --truth.

const organs = PHANTOM_ORGANS.map((o) => o.name).sort();
let dir: string;
let dataset: string;
let cases: string[];

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'score-labelmaps-'));
  dataset = join(dir, 'Dataset001_Phantoms');
  const made = await makeDemoDataset({
    out: dataset,
    labeled: 1,
    pool: 1,
    test: 1,
    seed: 5,
    size: GRID,
  });
  cases = [...made.labeled, ...made.pool, ...made.test].map((c) => c.id).sort();
});

after(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

test('an nnU-Net dataset gives one CSV row per case and organ', async () => {
  const out = join(dir, 'nnunet.csv');
  const run = await runSentinel(['score', dataset, '--out', out, ...modelArgs()]);
  assert.equal(run.exitCode, 0, run.stderr);
  const rows = await readCsv(out);
  assert.deepEqual(Object.keys(rows[0]!), ['case', 'organ', 'score', 'slices', 'invalid']);
  assert.equal(cases.length, 3);
  assert.deepEqual(
    rows.map((r) => `${r.case}/${r.organ}`).sort(),
    cases.flatMap((id) => organs.map((organ) => `${id}/${organ}`)).sort(),
  );
  for (const r of rows) {
    assert.ok(r.score !== '' && Number.isFinite(Number(r.score)), `${r.case}/${r.organ}`);
    assert.ok(Number(r.slices) > 0);
  }
  assert.match(run.stdout, /scored 27 organs of 3 case\(s\)/);
  assert.doesNotMatch(run.stdout, /against the truth/);
  assert.match(run.stdout, /^QS model \S+ \(.+(, sha256 [0-9a-f]{12})?\)$/m, 'names the model');
  if (modelArgs().length === 0)
    assert.match(
      run.stdout,
      /warning: this is the shipped model, trained on synthetic phantoms only.*--model models\/qs-official/,
      'the shipped phantom model says what it is not for',
    );
});

test('one --image/--labels/--classes pair, with a label map as --truth', async () => {
  const id = cases[0]!;
  const image = join(dataset, 'imagesTr', `${id}_0000.nii.gz`);
  const truth = join(dataset, 'labelsTr', `${id}.nii.gz`);
  const drawn = await readLabelMap(truth);
  const liver = PHANTOM_ORGANS.find((o) => o.name === 'liver')!.label;
  const eroded = erode(organMasks(drawn.data).get('liver')!, GRID);
  const degraded = Uint8Array.from(drawn.data, (v, i) => (v === liver && !eroded[i] ? 0 : v));
  const labels = join(dir, 'pseudo.nii.gz');
  await writeNifti(labels, { ...drawn, data: degraded });
  const classes = join(dir, 'classes.json');
  await writeFile(
    classes,
    JSON.stringify(Object.fromEntries(PHANTOM_ORGANS.map((o) => [o.label, o.name]))),
  );
  const out = join(dir, 'pair', 'scores.csv');
  const worklist = join(dir, 'elsewhere', 'worklist.csv');
  const run = await runSentinel([
    'score',
    '--image',
    image,
    '--labels',
    labels,
    '--classes',
    classes,
    '--truth',
    truth,
    '--out',
    out,
    '--worklist',
    worklist,
    ...modelArgs(),
  ]);
  assert.equal(run.exitCode, 0, run.stderr);
  const rows = await readCsv(out);
  assert.deepEqual(Object.keys(rows[0]!), [
    'case',
    'organ',
    'score',
    'slices',
    'true_dice',
    'invalid',
  ]);
  assert.deepEqual(
    rows.map((r) => r.organ),
    PHANTOM_ORGANS.map((o) => o.name),
  );
  for (const r of rows) {
    assert.equal(r.case, id);
    const dice = Number(r.true_dice);
    if (r.organ === 'liver') assert.ok(dice > 0 && dice < 1, `liver true Dice ${dice}`);
    else assert.equal(dice, 1, r.organ);
  }
  assert.equal((await readCsv(worklist)).length, 9);
  assert.match(run.stdout, /against the truth \(9 organ labels\): Pearson r/);
});

test('--organs on a label map keeps the classes named', async () => {
  const id = cases[0]!;
  const image = join(dataset, 'imagesTr', `${id}_0000.nii.gz`);
  const labels = join(dataset, 'labelsTr', `${id}.nii.gz`);
  const out = join(dir, 'organs', 'scores.csv');
  const run = await runSentinel([
    'score',
    ...['--image', image, '--labels', labels, '--classes', join(dataset, 'dataset.json')],
    ...['--organs', 'spleen,aorta', '--out', out, ...modelArgs()],
  ]);
  assert.equal(run.exitCode, 0, run.stderr);
  const rows = await readCsv(out);
  assert.deepEqual(
    rows.map((r) => r.organ),
    PHANTOM_ORGANS.map((o) => o.name).filter((o) => o === 'spleen' || o === 'aorta'),
  );
  assert.ok(rows.every((r) => /^-?\d+\.\d+$/.test(r.score ?? '')));
});

test('a Decathlon (MSD) dataset: images named as their labels, labels as {"1": "liver"}', async () => {
  const msd = join(dir, 'Task01_Phantoms');
  await mkdir(join(msd, 'imagesTr'), { recursive: true });
  await mkdir(join(msd, 'labelsTr'), { recursive: true });
  const id = cases[0]!;
  await copyFile(
    join(dataset, 'imagesTr', `${id}_0000.nii.gz`),
    join(msd, 'imagesTr', 'phantom_7.nii.gz'),
  );
  await copyFile(
    join(dataset, 'labelsTr', `${id}.nii.gz`),
    join(msd, 'labelsTr', 'phantom_7.nii.gz'),
  );
  // The Decathlon archives carry macOS resource forks beside the files; they are not cases.
  for (const folder of ['imagesTr', 'labelsTr'])
    await writeFile(join(msd, folder, '._phantom_7.nii.gz'), 'not a NIfTI file');
  const labels = {
    '0': 'background',
    ...Object.fromEntries(PHANTOM_ORGANS.map((o) => [o.label, o.name])),
  };
  await writeFile(join(msd, 'dataset.json'), JSON.stringify({ name: 'Phantoms', labels }));
  const out = join(dir, 'msd.csv');
  const run = await runSentinel(['score', msd, '--out', out, ...modelArgs()]);
  assert.equal(run.exitCode, 0, run.stderr);
  const rows = await readCsv(out);
  assert.deepEqual(
    rows.map((r) => `${r.case}/${r.organ}`),
    PHANTOM_ORGANS.map((o) => `phantom_7/${o.name}`),
  );
  assert.ok(rows.every((r) => r.score !== ''));
});

test('a --truth label map cut short: the scores are written without true Dice, exit 1', async () => {
  const id = cases[0]!;
  const image = join(dataset, 'imagesTr', `${id}_0000.nii.gz`);
  const labels = join(dataset, 'labelsTr', `${id}.nii.gz`);
  const truth = join(dir, 'truth-cut-short.nii.gz');
  const bytes = await readFile(labels);
  await writeFile(truth, bytes.subarray(0, bytes.length - 40));
  const classes = join(dir, 'classes-cut.json');
  await writeFile(
    classes,
    JSON.stringify(Object.fromEntries(PHANTOM_ORGANS.map((o) => [o.label, o.name]))),
  );
  const out = join(dir, 'cut', 'scores.csv');
  const run = await runSentinel([
    'score',
    ...['--image', image, '--labels', labels, '--classes', classes, '--truth', truth],
    ...['--out', out, ...modelArgs()],
  ]);
  assert.equal(run.exitCode, 1, run.stderr);
  assert.match(
    run.stderr,
    new RegExp(
      `${id}: no true Dice, its reference: .*truth-cut-short\\.nii\\.gz: the gzip stream is truncated`,
    ),
  );
  assert.match(run.stderr, /error: 1 input\(s\) of 1 case\(s\) could not be read/);
  const rows = await readCsv(out);
  assert.equal(rows.length, 9);
  for (const r of rows) {
    assert.match(r.score ?? '', /^-?\d+\.\d+$/, `${r.organ} scored`);
    assert.equal(r.true_dice, '', `${r.organ} has no true Dice`);
  }
});
