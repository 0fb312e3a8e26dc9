import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { isUserError } from '../../src/errors.js';
import { readLabelMap } from '../../src/volume/read-label-map.js';
import { readNifti } from '../../src/volume/read-nifti.js';
import { assertSameGrid } from '../../src/volume/same-grid.js';
import { writeNifti } from '../../src/volume/write-nifti.js';
import { OBLIQUE, makeVolume } from './make-volume.js';
import { corruptGzip, gzipSync, nifti1With, validNifti1, validNifti2 } from './malformed-bytes.js';

let dir: string;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'volume-bad-'));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

// Asserts that reading fails with a UserError naming the file, matching message, with a hint.
async function assertUserError(
  run: () => Promise<unknown>,
  file: string,
  message: RegExp,
): Promise<void> {
  await assert.rejects(run, (error: unknown) => {
    assert.ok(isUserError(error), `expected a UserError, got ${String(error)}`);
    assert.ok(error.message.includes(file), `message names the file: ${error.message}`);
    assert.match(error.message, message);
    assert.ok(error.hint && error.hint.length > 0, 'has a hint');
    return true;
  });
}

// Each malformed file: a name, its bytes (written by the test), and the message it must give.
const cases: { name: string; bytes: () => Buffer; message: RegExp; read?: typeof readNifti }[] = [
  { name: 'empty.nii', bytes: () => Buffer.alloc(0), message: /is empty \(0 bytes\)/ },
  {
    name: 'text.nii',
    bytes: () => Buffer.from('hello, I am not a volume\n'.repeat(30)),
    message: /not a NIfTI file: the file starts with header size/,
  },
  { name: 'tiny.nii', bytes: () => Buffer.from([1, 2]), message: /only 2 bytes long/ },
  {
    name: 'truncated.nii.gz',
    bytes: () => gzipSync(validNifti1()).subarray(0, 60),
    message: /gzip stream is truncated/,
  },
  {
    name: 'garbage-in-gzip.nii.gz',
    bytes: () => gzipSync(Buffer.from('x'.repeat(4000))),
    message: /not a NIfTI file: the decompressed data starts/,
  },
  { name: 'corrupt.nii.gz', bytes: corruptGzip, message: /gzip data is corrupt \(zlib:/ },
  {
    name: 'wrong-magic.nii',
    bytes: () => nifti1With((b) => b.write('xyz\0', 344, 'latin1')),
    message: /wrong NIfTI magic: expected "n\+1" but found "xyz\\u0000"/,
  },
  {
    name: 'pair-header.nii',
    bytes: () => nifti1With((b) => b.write('ni1\0', 344, 'latin1')),
    message: /\.hdr\/\.img pair/,
  },
  {
    name: 'short-header.nii',
    bytes: () => validNifti1().subarray(0, 200),
    message: /NIfTI-1 header is truncated: 200 of 348 bytes/,
  },
  {
    name: 'short-header2.nii',
    bytes: () => validNifti2().subarray(0, 400),
    message: /NIfTI-2 header is truncated: 400 of 540 bytes/,
  },
  {
    name: 'short-header2.nii.gz',
    bytes: () => gzipSync(validNifti2().subarray(0, 500)),
    message: /NIfTI-2 header is truncated: 500 of 540 bytes/,
  },
  {
    name: 'short-data.nii',
    bytes: () => validNifti1().subarray(0, 352 + 50),
    message: /dims 4 x 5 x 3 \(int16\) need 120 bytes .* holds only 50/,
  },
  {
    name: 'short-data.nii.gz',
    bytes: () => gzipSync(validNifti1().subarray(0, 352 + 7)),
    message:
      /need 120 bytes of voxels after vox_offset 352, but the decompressed data holds only 7/,
  },
  {
    name: 'short-data2.nii.gz',
    bytes: () => gzipSync(validNifti2().subarray(0, 600)),
    message: /need 120 bytes .* holds only 56/,
  },
  {
    name: 'long-data.nii',
    bytes: () => Buffer.concat([validNifti1(), Buffer.alloc(10)]),
    message: /holds more data than header dims 4 x 5 x 3/,
  },
  {
    name: 'bomb.nii.gz',
    bytes: () => gzipSync(nifti1With((b) => [42, 44, 46].forEach((o) => b.writeInt16LE(30000, o)))),
    message: /dims 30000 x 30000 x 30000 need 49\.1 TiB .* more than the limit of 4\.0 GiB/,
  },
  {
    name: 'bomb2.nii',
    bytes: () => {
      const b = validNifti2();
      b.writeBigInt64LE(1n << 40n, 24);
      return b;
    },
    message: /dims 1099511627776 x 5 x 3 need 30\.0 TiB of voxels, more than the limit/,
  },
  {
    name: 'complex.nii',
    bytes: () => nifti1With((b) => b.writeInt16LE(32, 70)),
    message: /unsupported datatype complex64 \(NIfTI code 32\)/,
  },
  {
    name: 'int64.nii',
    bytes: () => nifti1With((b) => b.writeInt16LE(1024, 70)),
    message: /unsupported datatype int64/,
  },
  {
    name: 'zero-dim.nii',
    bytes: () => nifti1With((b) => b.writeInt16LE(0, 44)),
    message: /dims 4 x 0 x 3 include a size of 0/,
  },
  {
    name: 'negative-dim.nii',
    bytes: () => nifti1With((b) => b.writeInt16LE(-3, 46)),
    message: /include a size of -3/,
  },
  {
    name: 'dim0.nii',
    bytes: () => nifti1With((b) => b.writeInt16LE(9, 40)),
    message: /dim\[0\] is 9, must be 1\.\.7/,
  },
  {
    name: 'six-d.nii',
    bytes: () =>
      nifti1With((b) => {
        b.writeInt16LE(6, 40);
        b.writeInt16LE(2, 50);
        b.writeInt16LE(2, 52);
      }),
    message: /has 6 dimensions .* only 3D and 4D/,
  },
  {
    name: 'negative-offset.nii',
    bytes: () => nifti1With((b) => b.writeFloatLE(-16, 108)),
    message: /bad vox_offset -16/,
  },
  {
    name: 'fractional-offset.nii',
    bytes: () => nifti1With((b) => b.writeFloatLE(352.5, 108)),
    message: /bad vox_offset 352\.5/,
  },
  {
    name: 'far-offset.nii',
    bytes: () => nifti1With((b) => b.writeFloatLE(1e6, 108)),
    message: /bad vox_offset 1000000: beyond the end of the file \(472 bytes\)/,
  },
  {
    name: 'nan-intercept.nii',
    bytes: () =>
      nifti1With((b) => {
        b.writeFloatLE(2, 112);
        b.writeFloatLE(Number.NaN, 116);
      }),
    message: /scl_slope is 2 but scl_inter is NaN/,
  },
];

// Each file both read whole (small files, the default) and streamed in chunks (large files).
for (const c of cases) {
  for (const [mode, wholeFileBytes] of [
    ['read whole', undefined],
    ['streamed', 0],
  ] as const) {
    test(`bad input ${c.name} (${mode}): ${c.message.source}`, async () => {
      const path = join(dir, c.name);
      await writeFile(path, c.bytes());
      await assertUserError(() => readNifti(path, { wholeFileBytes }), path, c.message);
    });
  }
}

test('a missing file is "no such file"', async () => {
  const path = join(dir, 'nothing-here.nii.gz');
  await assertUserError(() => readNifti(path), path, /no such file/);
});

test('a directory is refused as a directory', async () => {
  const path = join(dir, 'a-folder.nii.gz');
  await mkdir(path);
  await assertUserError(() => readNifti(path), path, /is a directory, not a NIfTI file/);
});

test('the memory limit is configurable by option and by SENTINEL_MAX_VOXEL_BYTES', async () => {
  const path = join(dir, 'ok.nii.gz');
  await writeFile(path, gzipSync(validNifti1()));
  await assertUserError(
    () => readNifti(path, { maxBytes: 100 }),
    path,
    /need 120 B of voxels, more than the limit of 100 B/,
  );
  process.env.SENTINEL_MAX_VOXEL_BYTES = '64';
  try {
    await assertUserError(() => readNifti(path), path, /more than the limit of 64 B/);
  } finally {
    // biome-ignore lint/performance/noDelete: assigning undefined would set the string "undefined"
    delete process.env.SENTINEL_MAX_VOXEL_BYTES;
  }
  assert.equal((await readNifti(path)).data.length, 60);
});

for (const [name, value, message] of [
  ['nan-label.nii.gz', Number.NaN, /expected to be a label map but holds NaN at voxel \(1, 0, 0\)/],
  ['inf-label.nii.gz', Number.POSITIVE_INFINITY, /holds Infinity at voxel \(1, 0, 0\)/],
  ['fraction-label.nii.gz', 0.5, /holds the non-integer value 0\.5 at voxel \(1, 0, 0\)/],
  ['negative-label.nii.gz', -2, /holds the value -2, outside 0\.\.65535/],
] as const) {
  test(`a label map holding ${value} is refused (${name})`, async () => {
    const path = join(dir, name);
    const volume = makeVolume('float32', [3, 3, 2]);
    volume.data.fill(1);
    volume.data[1] = value;
    await writeNifti(path, volume);
    await assertUserError(() => readLabelMap(path), path, message);
  });
}

test('an image and a mask on different grids name both files', async () => {
  const image = { dims: [4, 5, 3], affine: OBLIQUE };
  const shifted = structuredClone(OBLIQUE);
  shifted[0][3] += 0.01;
  const run = (b: typeof image) => async () =>
    assertSameGrid(image, b, ['ct.nii.gz', 'liver.nii.gz']);
  await assertUserError(
    run({ dims: [4, 5, 4], affine: OBLIQUE }),
    'ct.nii.gz',
    /ct\.nii\.gz and liver\.nii\.gz are not on the same voxel grid: dims 4 x 5 x 3 vs 4 x 5 x 4/,
  );
  await assertUserError(
    run({ dims: [4, 5, 3], affine: shifted }),
    'liver.nii.gz',
    /affines differ by up to 0\.0100 \(tolerance 0\.001\)/,
  );
  await assert.doesNotReject(
    run({ dims: [4, 5, 3, 2], affine: OBLIQUE }),
    'a 4D map on the same spatial grid matches',
  );
});
