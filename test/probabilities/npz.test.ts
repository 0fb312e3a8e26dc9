import assert from 'node:assert/strict';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { openProbabilityMap } from '../../src/probabilities/probability-map.js';

const fixture = (name: string) =>
  fileURLToPath(new URL(`../../../test/fixtures/npz/${name}`, import.meta.url));
// The fixtures (test/fixtures/npz/README.md) hold probabilities[c, z, y, x] = c/10 + z/100 + y/1000 + x/10000.
const expected = (c: number, z: number, y: number, x: number) =>
  c / 10 + z / 100 + y / 1000 + x / 10000;

for (const [file, storage, tolerance] of [
  ['compressed-f4.npz', '<f4', 1e-7],
  ['stored-f2.npz', '<f2', 1e-3],
  ['compressed-u1.npz', '|u1', 0.5 / 255 + 1e-7],
] as const) {
  test(`streams ${file} written by numpy slice by slice (C, z, y, x -> channel, k)`, async () => {
    const { info, slices } = await openProbabilityMap(fixture(file));
    assert.deepEqual(info.dims, [6, 5, 4]);
    assert.equal(info.channels, 3);
    assert.equal(info.format, 'npz');
    assert.equal(info.storage, storage);
    assert.equal(info.affine, undefined);
    let seen = 0;
    for await (const slice of slices) {
      assert.equal(slice.data.length, 30);
      for (let y = 0; y < 5; y++)
        for (let x = 0; x < 6; x++) {
          const got = slice.data[y * 6 + x]!;
          const want = expected(slice.channel, slice.k, y, x);
          assert.ok(
            Math.abs(got - want) <= tolerance,
            `(${slice.channel},${slice.k},${y},${x}): ${got}`,
          );
        }
      seen++;
    }
    assert.equal(seen, 3 * 4, 'one slice per channel and z');
  });
}

test('a missing .npz, or one without a probabilities array, is a clear user error', async () => {
  await assert.rejects(openProbabilityMap(fixture('missing.npz')), /missing\.npz: file not found/);
  const dir = await mkdtemp(join(tmpdir(), 'npz-'));
  const other = join(dir, 'other.npz');
  // A zip archive (as np.savez writes) holding only an array named "logits".
  await writeFile(other, zipStored('logits.npy', Buffer.from('not used')));
  await assert.rejects(openProbabilityMap(other), /other\.npz: has no "probabilities" array/);
});

// A one-member zip archive, stored (method 0), as np.savez writes small arrays.
function zipStored(name: string, data: Buffer): Buffer {
  const nameBytes = Buffer.from(name);
  const local = Buffer.alloc(30);
  local.writeUInt32LE(0x04034b50, 0);
  local.writeUInt32LE(data.length, 18);
  local.writeUInt32LE(data.length, 22);
  local.writeUInt16LE(nameBytes.length, 26);
  const central = Buffer.alloc(46);
  central.writeUInt32LE(0x02014b50, 0);
  central.writeUInt32LE(data.length, 20);
  central.writeUInt32LE(data.length, 24);
  central.writeUInt16LE(nameBytes.length, 28);
  const cdOffset = 30 + nameBytes.length + data.length;
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(1, 8);
  end.writeUInt16LE(1, 10);
  end.writeUInt32LE(46 + nameBytes.length, 12);
  end.writeUInt32LE(cdOffset, 16);
  return Buffer.concat([local, nameBytes, data, central, nameBytes, end]);
}
