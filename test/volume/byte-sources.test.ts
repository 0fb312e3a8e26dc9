import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtemp, open, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { test } from 'node:test';
import { createGunzip, gzipSync } from 'node:zlib';
import { ByteReader } from '../../src/volume/byte-reader.js';
import type { ByteSource } from '../../src/volume/byte-source.js';
import { GunzipSource, canInflateDirectly } from '../../src/volume/gunzip-source.js';

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

// Reads 10 bytes, skips `skip`, fills the rest into a larger array, and checks the end.
async function checkSource(reader: ByteSource, bytes: Uint8Array, skip: number): Promise<void> {
  const head = new Uint8Array(10);
  assert.equal(await reader.fill(head), 10);
  assert.ok(Buffer.from(head).equals(bytes.subarray(0, 10)));
  assert.equal(await reader.skip(skip), skip);
  const rest = new Uint8Array(bytes.length);
  const left = bytes.length - 10 - skip;
  assert.equal(await reader.fill(rest), left);
  assert.ok(Buffer.from(rest.subarray(0, left)).equals(bytes.subarray(10 + skip)));
  assert.equal(await reader.atEnd(), true);
  assert.equal(reader.position, bytes.length);
  reader.close();
}

test('GunzipSource inflates two-member gzip alike from memory and from a file read in chunks', async () => {
  // Incompressible, so the file spans several of the streamed source's 256 kB input chunks.
  const bytes = randomBytes(700_000);
  const gz = Buffer.concat([
    gzipSync(bytes.subarray(0, 400_000)),
    gzipSync(bytes.subarray(400_000)),
  ]);
  assert.ok(gz.length > 512 * 1024);
  await checkSource(new GunzipSource(gz), bytes, 500_000);
  const dir = await mkdtemp(join(tmpdir(), 'gunzip-source-'));
  try {
    const path = join(dir, 'two-members.gz');
    await writeFile(path, gz);
    await checkSource(new GunzipSource(await open(path, 'r')), bytes, 500_000);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
