import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { isAbsolute, join } from 'node:path';
import { after, before, test } from 'node:test';
import { isUserError } from '../../src/errors.js';
import { loadDemoDataset } from '../../src/phantom/load-demo-dataset.js';
import { makeDemoDataset } from '../../src/phantom/make-demo-dataset.js';
import { PHANTOM_ORGANS, phantomClassMap, phantomDatasetLabels } from '../../src/phantom/organs.js';
import { ClassMap } from '../../src/volume/class-map.js';
import { readNifti } from '../../src/volume/read-nifti.js';

const small = {
  labeled: 2,
  pool: 3,
  test: 2,
  seed: 11,
  size: [40, 40, 32] as [number, number, number],
};
let root: string;
before(async () => {
  root = await mkdtemp(join(tmpdir(), 'sentinel-phantom-'));
});
after(async () => {
  await rm(root, { recursive: true, force: true });
});

// Every file under a folder, path relative to it -> bytes.
async function filesOf(dir: string): Promise<Map<string, Buffer>> {
  const files = new Map<string, Buffer>();
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const path = join(entry.parentPath, entry.name);
    files.set(path.slice(dir.length + 1), await readFile(path));
  }
  return files;
}

const rejectsWithUserError = (promise: Promise<unknown>, pattern: RegExp) =>
  assert.rejects(promise, (error) => isUserError(error) && pattern.test(error.message));

test('writes the nnU-Net layout, a consistent dataset.json and split, and every organ in every label map', async () => {
  const out = join(root, 'a');
  const made = await makeDemoDataset({ out, ...small });
  assert.equal(made.reused, false);
  const files = await filesOf(out);
  assert.deepEqual(
    [...files.keys()].filter((f) => !f.endsWith('.json')).sort(),
    [
      ...['0000', '0001', '0002', '0003', '0004'].flatMap((i) => [
        `imagesTr/phantom_${i}_0000.nii.gz`,
        `labelsTr/phantom_${i}.nii.gz`,
      ]),
      ...['0005', '0006'].flatMap((i) => [
        `imagesTs/phantom_${i}_0000.nii.gz`,
        `labelsTs/phantom_${i}.nii.gz`,
      ]),
    ].sort(),
  );

  const dataset = JSON.parse(files.get('dataset.json')!.toString());
  assert.deepEqual(dataset.channel_names, { '0': 'CT' });
  assert.deepEqual(dataset.labels, phantomDatasetLabels());
  assert.equal(dataset.labels.background, 0);
  assert.equal(dataset.numTraining, 5);
  assert.equal(dataset.file_ending, '.nii.gz');
  assert.equal(dataset.training.length, 5);
  for (const entry of dataset.training) {
    assert.ok(
      files.has(entry.image.slice(2)) && files.has(entry.label.slice(2)),
      JSON.stringify(entry),
    );
  }
  assert.deepEqual(dataset.test, [
    './imagesTs/phantom_0005_0000.nii.gz',
    './imagesTs/phantom_0006_0000.nii.gz',
  ]);

  const split = JSON.parse(files.get('split.json')!.toString());
  assert.equal(split.seed, 11);
  assert.deepEqual(split.size, [40, 40, 32]);
  assert.match(split.generator, /^sentinel-phantom\//);
  assert.deepEqual(split.labeled, ['phantom_0000', 'phantom_0001']);
  assert.deepEqual(split.pool, ['phantom_0002', 'phantom_0003', 'phantom_0004']);
  assert.deepEqual(split.test, ['phantom_0005', 'phantom_0006']);

  assert.deepEqual(made.classes, phantomClassMap());
  assert.deepEqual(ClassMap.parse(made.classes), { '1': 'liver', ...made.classes });
  for (const c of [...made.labeled, ...made.pool, ...made.test]) {
    assert.ok(isAbsolute(c.image) && isAbsolute(c.label));
    assert.ok(c.difficulty >= 0 && c.difficulty <= 1);
    const [image, label] = [await readNifti(c.image), await readNifti(c.label)];
    assert.equal(image.datatype, 'int16');
    assert.equal(label.datatype, 'uint8');
    assert.deepEqual(image.dims, [40, 40, 32]);
    assert.deepEqual(label.affine, image.affine);
    const present = new Set(label.data);
    for (const organ of PHANTOM_ORGANS)
      assert.ok(present.has(organ.label), `${organ.name} missing in ${c.id}`);
  }
  const { reused: _, ...asMade } = made;
  assert.deepEqual(await loadDemoDataset(out), asMade);
});

test('the same seed gives byte-identical files; another seed other images', async () => {
  const [one, two, other] = [join(root, 's1'), join(root, 's2'), join(root, 's3')];
  await makeDemoDataset({ out: one, ...small, seed: 4 });
  await makeDemoDataset({ out: two, ...small, seed: 4 });
  await makeDemoDataset({ out: other, ...small, seed: 5 });
  const [a, b, c] = [await filesOf(one), await filesOf(two), await filesOf(other)];
  assert.deepEqual([...a.keys()].sort(), [...b.keys()].sort());
  for (const [name, bytes] of a)
    assert.ok(bytes.equals(b.get(name)!), `${name} differs between two runs with seed 4`);
  for (const name of a.keys()) {
    if (name.startsWith('images'))
      assert.ok(!a.get(name)!.equals(c.get(name)!), `${name} is the same for seeds 4 and 5`);
  }
});

test('case i is the same whatever the counts', async () => {
  const fewer = join(root, 'fewer');
  await makeDemoDataset({ out: fewer, ...small, seed: 4, labeled: 1, pool: 1, test: 1 });
  const original = await filesOf(join(root, 's1'));
  const again = await filesOf(fewer);
  assert.ok(
    again
      .get('imagesTr/phantom_0001_0000.nii.gz')!
      .equals(original.get('imagesTr/phantom_0001_0000.nii.gz')!),
  );
  const testImage = await readNifti(join(fewer, 'imagesTs/phantom_0002_0000.nii.gz'));
  const sameCase = await readNifti(join(root, 's1', 'imagesTr/phantom_0002_0000.nii.gz'));
  assert.deepEqual(testImage.data, sameCase.data);
});

test('an existing folder: reused when made with the same settings, refused otherwise', async () => {
  const out = join(root, 'a');
  const again = await makeDemoDataset({ out, ...small });
  assert.equal(again.reused, true);
  await rejectsWithUserError(makeDemoDataset({ out, ...small, seed: 12 }), /other settings/);
  const busy = join(root, 'busy');
  await mkdir(busy);
  await writeFile(join(busy, 'notes.txt'), 'mine');
  await rejectsWithUserError(makeDemoDataset({ out: busy, ...small }), /not empty/);
  assert.deepEqual(await readdir(busy), ['notes.txt'], 'nothing written into a foreign folder');
  const empty = join(root, 'empty');
  await mkdir(empty);
  assert.equal((await makeDemoDataset({ out: empty, ...small })).reused, false);
  assert.deepEqual(
    (await readdir(root)).filter((name) => name.includes('.tmp-')),
    [],
    'no temporary folders left',
  );
});

test('loading a missing, unfinished or incomplete dataset is a UserError', async () => {
  await rejectsWithUserError(loadDemoDataset(join(root, 'nowhere')), /no finished demo dataset/);
  const out = join(root, 's2');
  await rm(join(out, 'labelsTr', 'phantom_0003.nii.gz'));
  await rejectsWithUserError(
    loadDemoDataset(out),
    /incomplete: .*phantom_0003\.nii\.gz is missing/,
  );
  await rm(join(out, 'split.json'));
  await rejectsWithUserError(loadDemoDataset(out), /no finished demo dataset/);
});

test('bad options are UserErrors', async () => {
  const out = join(root, 'bad');
  await rejectsWithUserError(
    makeDemoDataset({ out, ...small, size: [16, 64, 64] }),
    /outside 32\.\.512/,
  );
  await rejectsWithUserError(makeDemoDataset({ out, ...small, test: 0 }), /--test 0/);
  await rejectsWithUserError(makeDemoDataset({ out, ...small, labeled: -1 }), /--labeled -1/);
  await rejectsWithUserError(makeDemoDataset({ out, ...small, pool: 1.5 }), /--pool 1.5/);
  await rejectsWithUserError(makeDemoDataset({ out, ...small, seed: -3 }), /--seed -3/);
  await rejectsWithUserError(makeDemoDataset({ out: '', ...small }), /output folder/);
});
