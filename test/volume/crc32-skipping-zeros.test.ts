import assert from 'node:assert/strict';
import { test } from 'node:test';
import { crc32 } from 'node:zlib';
import { crc32SkippingZeros } from '../../src/volume/crc32-skipping-zeros.js';

// The CRC that steps over zero blocks equals zlib.crc32 on data with zero runs of every
// alignment and length (whole 16 kB blocks included), from any start value.

test('crc32SkippingZeros equals zlib.crc32, zero blocks or not', () => {
  let seed = 12345;
  const random = (n: number) => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return Math.floor((seed / 2147483648) * n);
  };
  for (let trial = 0; trial < 300; trial++) {
    const bytes = new Uint8Array(random(200_000));
    for (let run = random(5); run > 0; run--) {
      const at = random(bytes.length + 1);
      bytes.fill(1 + random(255), at, at + random(40_000));
      if (random(2) === 0)
        for (let i = at; i < at + 300 && i < bytes.length; i++) bytes[i] = random(256);
    }
    const start = random(2 ** 31) * 2 + random(2);
    assert.equal(crc32SkippingZeros(bytes, start), crc32(bytes, start), `trial ${trial}`);
  }
  assert.equal(
    crc32SkippingZeros(new Uint8Array(16 * 1024 * 5)),
    crc32(new Uint8Array(16 * 1024 * 5)),
  );
  assert.equal(crc32SkippingZeros(new Uint8Array(0), 7), 7);
});
