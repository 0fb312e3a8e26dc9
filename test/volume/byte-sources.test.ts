import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { test } from 'node:test';
import { createGunzip, gzipSync } from 'node:zlib';
import { ByteReader } from '../../src/volume/byte-reader.js';
import { canInflateDirectly } from '../../src/volume/gunzip-source.js';

test('this Node lets GunzipSource inflate straight into the output array', () => {
  assert.equal(
    canInflateDirectly(),
    true,
    'the test suite exercises the direct path; the stream fallback is tested below',
  );
});

test('the zlib-stream fallback reader fills, skips and detects the end exactly', async () => {
  const bytes = Uint8Array.from({ length: 300_000 }, (_, i) => (i * 7) & 0xff);
  const twoMembers = Buffer.concat([
    gzipSync(bytes.subarray(0, 100_000)),
    gzipSync(bytes.subarray(100_000)),
  ]);
  const reader = new ByteReader(
    Readable.from([twoMembers]).pipe(createGunzip({ chunkSize: 4096 })),
  );
  const head = new Uint8Array(10);
  assert.equal(await reader.fill(head), 10);
  assert.deepEqual([...head], [...bytes.subarray(0, 10)]);
  assert.equal(await reader.skip(150_000), 150_000);
  const rest = new Uint8Array(200_000);
  assert.equal(await reader.fill(rest), 149_990);
  assert.deepEqual(rest.subarray(0, 149_990), bytes.subarray(150_010));
  assert.equal(await reader.atEnd(), true);
  assert.equal(reader.position, 300_000);
});
