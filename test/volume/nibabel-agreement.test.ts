import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { DATATYPE_NAMES } from '../../src/volume/datatypes.js';
import { orientationCode } from '../../src/volume/orientation.js';
import { readNifti } from '../../src/volume/read-nifti.js';
import type { Volume } from '../../src/volume/types.js';
import { writeNifti } from '../../src/volume/write-nifti.js';
import { testDataFile, testDataSkip } from '../requirements/test-data.js';
import { makeVolume } from './make-volume.js';
import { type NibabelView, nibabelLoad, nibabelMissing, runPython } from './nibabel-bridge.js';

const skip = nibabelMissing;
const CT = testDataFile('totalsegmentator-example/ct.nii.gz');

let dir: string;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'volume-nib-'));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

// Same shape, affine (to tol), zooms, axis codes and values (NaN matching NaN).
function assertAgrees(ours: Volume, nib: NibabelView, affineTol = 1e-6): void {
  assert.deepEqual(ours.dims, nib.shape);
  for (let r = 0; r < 4; r++) {
    for (let c = 0; c < 4; c++) {
      const [a, b] = [ours.affine[r]![c]!, nib.affine[r]![c]!];
      assert.ok(Math.abs(a - b) <= affineTol, `affine[${r}][${c}]: ours ${a}, nibabel ${b}`);
    }
  }
  nib.zooms
    .slice(0, 3)
    .forEach((z, i) => assert.ok(Math.abs(z - ours.spacing[i]!) < 1e-6, `spacing ${i}`));
  assert.equal(orientationCode(ours.affine), nib.axcodes);
  assert.equal(ours.data.length, nib.values.length);
  // nibabel scales to float64; our scaled float32 must be its value rounded once.
  const round = ours.data instanceof Float32Array ? Math.fround : (x: number) => x;
  for (let i = 0; i < nib.values.length; i++) {
    const [a, b] = [ours.data[i]!, round(nib.values[i]!)];
    if (!(Object.is(a, b) || a === b)) assert.fail(`voxel ${i}: ours ${a}, nibabel ${b}`);
  }
}

test(
  'sentinel reads the shared TotalSegmentator CT exactly as nibabel does',
  { skip: skip ?? testDataSkip('totalsegmentator-example/ct.nii.gz') },
  async () => {
    const ours = await readNifti(CT);
    assert.deepEqual(ours.dims, [122, 101, 30]);
    assert.equal(ours.datatype, 'int16');
    assert.deepEqual(ours.spacing, [3, 3, 3]);
    assertAgrees(ours, await nibabelLoad(CT, join(dir, 'ct')), 0);
  },
);

for (const datatype of DATATYPE_NAMES) {
  test(
    `a ${datatype} file we write loads in nibabel with the same values, affine and spacing`,
    { skip },
    async () => {
      const path = join(dir, `ours-${datatype}.nii.gz`);
      const volume = makeVolume(datatype, [5, 4, 3, 2]);
      await writeNifti(path, volume);
      assertAgrees(volume, await nibabelLoad(path, path));
    },
  );
}

test(
  'a uint8 probability map with slope 1/255 loads in nibabel with our values',
  { skip },
  async () => {
    const path = join(dir, 'ours-probs.nii.gz');
    const base = makeVolume('float32', [6, 5, 4, 3]);
    await writeNifti(
      path,
      { ...base, data: Float32Array.from(base.data, (_, i) => (i % 97) / 96) },
      { datatype: 'uint8', sclSlope: 1 / 255 },
    );
    const ours = await readNifti(path);
    const nib = await nibabelLoad(path, path);
    assert.deepEqual(ours.dims, nib.shape);
    for (let i = 0; i < nib.values.length; i++)
      assert.equal(ours.data[i], Math.fround(nib.values[i]!), `voxel ${i}`);
  },
);

// nibabel writes files in the layouts we must read: NIfTI-2, qform only, no transform,
// big-endian, scaled, 4D, LPS.
const MAKE = `
import sys, json, numpy as np, nibabel as nb
out = sys.argv[1]
rng = np.random.default_rng(0)
c, s = np.cos(0.4), np.sin(0.4)
oblique = np.array([[c*0.7, -s*0.9, 0, -80.25], [s*0.7, c*0.9, 0, 20.5], [0, 0, 2.5, -33.0], [0, 0, 0, 1]])
lps = np.diag([-0.8, -0.8, 1.5, 1.0]); lps[:3, 3] = [100, 120, -50]
made = []
def save(img, name):
    nb.save(img, f'{out}/{name}'); made.append(name)
i16 = rng.integers(-1024, 3000, (9, 7, 5)).astype(np.int16)
img = nb.Nifti2Image(i16, oblique); save(img, 'nifti2-int16.nii.gz')
img = nb.Nifti2Image(rng.standard_normal((6, 5, 4, 3)).astype(np.float64), lps); save(img, 'nifti2-float64-4d.nii')
img = nb.Nifti2Image(i16, oblique); img.header.set_slope_inter(0.25, -100); save(img, 'nifti2-scaled.nii.gz')
img = nb.Nifti1Image(i16, oblique); img.set_sform(None, code=0); img.set_qform(oblique, code=1); save(img, 'qform-only.nii.gz')
img = nb.Nifti1Image(i16, oblique); img.set_sform(None, code=0); img.set_qform(None, code=0); save(img, 'no-transform.nii')
img = nb.Nifti1Image(i16.astype('>i2'), lps); save(img, 'big-endian.nii')
img = nb.Nifti1Image(rng.integers(0, 60000, (8, 6, 4)).astype('>u2'), oblique); img.header.set_slope_inter(0.5, 3); save(img, 'big-endian-scaled-u16.nii.gz')
img = nb.Nifti1Image(rng.random((5, 5, 4)).astype(np.float32), lps); img.header.set_slope_inter(2.0, 1.0); save(img, 'scaled-float32.nii.gz')
img = nb.Nifti1Image(rng.integers(0, 40, (6, 6, 3, 4)).astype(np.uint8), lps); save(img, 'uint8-4d.nii.gz')
img = nb.Nifti1Image(rng.integers(-100, 100, (6, 6, 3)).astype(np.int8), np.diag([-1.0, 1, 1, 1])); save(img, 'int8-las.nii')
print(json.dumps(made))
`;

test(
  'files nibabel writes (NIfTI-2, qform-only, no transform, big-endian, scaled, 4D) read as nibabel reads them',
  { skip },
  async () => {
    const made = await runPython<string[]>(MAKE, [dir]);
    assert.equal(made.length, 10);
    for (const name of made) {
      const path = join(dir, name);
      try {
        assertAgrees(await readNifti(path), await nibabelLoad(path, path), 1e-5);
      } catch (error) {
        assert.fail(`${name}: ${(error as Error).message}`);
      }
    }
  },
);
