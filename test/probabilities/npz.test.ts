import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { readProbabilityMap } from '../../src/engine/probability-map.js';
import { readNpzArray } from '../../src/engine/read-npz.js';

const fixture = (name: string) =>
  fileURLToPath(new URL(`../../../test/fixtures/npz/${name}`, import.meta.url));
const expected = (c: number, z: number, y: number, x: number) =>
  c / 10 + z / 100 + y / 1000 + x / 10000;

for (const [file, tolerance] of [
  ['compressed-f4.npz', 1e-7],
  ['stored-f2.npz', 1e-3],
  ['compressed-u1.npz', 0.5 / 255 + 1e-7],
] as const) {
  test(`reads ${file} written by numpy`, async () => {
    const array = await readNpzArray(fixture(file), 'probabilities');
    assert.deepEqual(array.shape, [3, 4, 5, 6]);
    let i = 0;
    for (let c = 0; c < 3; c++)
      for (let z = 0; z < 4; z++)
        for (let y = 0; y < 5; y++)
          for (let x = 0; x < 6; x++) {
            const got = array.data[i++]!;
            assert.ok(
              Math.abs(got - expected(c, z, y, x)) <= tolerance,
              `(${c},${z},${y},${x}): ${got}`,
            );
          }
  });
}

test('an .npz probability map reads as dims x, y, z with C channels, channel-major', async () => {
  const { info, data } = await readProbabilityMap(fixture('compressed-f4.npz'));
  assert.deepEqual(info.dims, [6, 5, 4]);
  assert.equal(info.channels, 3);
  assert.equal(info.affine, undefined);
  // channel 2, z 3, y 4, x 5 is the last value.
  assert.ok(Math.abs(data[data.length - 1]! - expected(2, 3, 4, 5)) < 1e-7);
});

test('a missing array is a clear error', async () => {
  await assert.rejects(readNpzArray(fixture('compressed-f4.npz'), 'nope'), /no array "nope"/);
});
