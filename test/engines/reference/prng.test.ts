import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createRng } from '../../../engines/reference/prng.js';

test('rng.fill draws exactly what next() would, and leaves the generator where next() would', () => {
  for (const [seed, stream] of [
    [0, 0],
    [12345, 3],
    [0xffffffff, 7],
  ] as const) {
    const one = createRng(seed, stream);
    const bulk = createRng(seed, stream);
    const expected = Array.from({ length: 1000 }, () => one.next());
    const filled = new Float64Array(1000);
    bulk.fill(filled.subarray(0, 400));
    bulk.fill(filled.subarray(400));
    assert.deepEqual([...filled], expected);
    assert.equal(bulk.next(), one.next(), 'same state afterwards');
    assert.ok(filled.every((u) => u >= 0 && u < 1));
  }
});
