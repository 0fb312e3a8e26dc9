import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtemp, open, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { test } from 'node:test';
import { crc32, createGunzip, gzipSync } from 'node:zlib';
import { ByteReader } from '../../src/volume/byte-reader.js';
import type { ByteSource } from '../../src/volume/byte-source.js';
import { GunzipSource, canInflateDirectly } from '../../src/volume/gunzip-source.js';
import { GzipMemorySource } from '../../src/volume/gzip-memory-source.js';

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

test('two-member gzip inflates alike from memory (GzipMemorySource) and from a file read in chunks (GunzipSource)', async () => {
  // Incompressible, so the file spans several of the streamed source's 256 kB input chunks.
  const bytes = randomBytes(700_000);
  const gz = Buffer.concat([
    gzipSync(bytes.subarray(0, 400_000)),
    gzipSync(bytes.subarray(400_000)),
  ]);
  assert.ok(gz.length > 512 * 1024);
  await checkSource(new GzipMemorySource(gz), bytes, 500_000);
  const dir = await mkdtemp(join(tmpdir(), 'gunzip-source-'));
  try {
    const path = join(dir, 'two-members.gz');
    await writeFile(path, gz);
    await checkSource(new GunzipSource(await open(path, 'r')), bytes, 500_000);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

// A gzip member of data with the optional header fields set (FEXTRA, FNAME, FCOMMENT, FHCRC).
function fullHeaderMember(data: Uint8Array): Buffer {
  const plain = gzipSync(data);
  const head = Buffer.from(plain.subarray(0, 10));
  head[3] = 4 | 8 | 16 | 2;
  const extra = Buffer.from([3, 0, 1, 2, 3]);
  const header = Buffer.concat([head, extra, Buffer.from('ct.nii\0'), Buffer.from('made here\0')]);
  const hcrc = Buffer.alloc(2);
  hcrc.writeUInt16LE(crc32(header) & 0xffff);
  return Buffer.concat([header, hcrc, plain.subarray(10)]);
}

test('GzipMemorySource reads header fields, members and zero padding, and checks each CRC', async () => {
  // Mask-like: zero blocks (stepped over by the CRC) around a few non-zero bytes.
  const bytes = new Uint8Array(200_000);
  for (let i = 70_000; i < 70_100; i++) bytes[i] = 1;
  const gz = Buffer.concat([
    fullHeaderMember(bytes.subarray(0, 90_000)),
    gzipSync(bytes.subarray(90_000)),
    Buffer.alloc(7),
  ]);
  await checkSource(new GzipMemorySource(gz), bytes, 100_000);
  const readAll = async (data: Uint8Array) => {
    const source = new GzipMemorySource(data);
    try {
      while ((await source.fill(new Uint8Array(65_536))) > 0);
    } finally {
      source.close();
    }
  };
  // Node's gunzip reads nothing after a zero byte that follows a member; nor does this source.
  await readAll(Buffer.concat([gz, Buffer.from('after the padding')]));
  // gz with the byte at `index` changed to value(old byte).
  const corrupt = (index: number, value: (old: number) => number) => {
    const copy = Buffer.from(gz);
    copy[index] = value(copy[index] as number);
    return copy;
  };
  const first = fullHeaderMember(bytes.subarray(0, 90_000)).length;
  const unpadded = gz.subarray(0, gz.length - 7);
  const cases: [string, Buffer, string, RegExp][] = [
    ['CRC', corrupt(first - 8, (v) => v ^ 1), 'Z_DATA_ERROR', /incorrect data check/],
    ['length', corrupt(first - 4, (v) => v ^ 1), 'Z_DATA_ERROR', /incorrect length check/],
    ['header CRC', corrupt(11, (v) => v ^ 1), 'Z_DATA_ERROR', /header crc mismatch/],
    ['member', corrupt(first, () => 0x42), 'Z_DATA_ERROR', /incorrect header check/],
    ['method', corrupt(2, () => 7), 'Z_DATA_ERROR', /unknown compression method/],
    ['cut in data', gz.subarray(0, first - 100), 'Z_BUF_ERROR', /unexpected end of file/],
    ['cut in trailer', gz.subarray(0, first - 3), 'Z_BUF_ERROR', /unexpected end of file/],
    ['cut in header', gz.subarray(0, 15), 'Z_BUF_ERROR', /unexpected end of file/],
    // As Node's gunzip: garbage after a member is a bad header; part of a magic, a cut file.
    ['garbage', Buffer.concat([unpadded, Buffer.from('garbage')]), 'Z_DATA_ERROR', /header/],
    ['part of a magic', Buffer.concat([unpadded, Buffer.from([0x1f])]), 'Z_BUF_ERROR', /end of/],
  ];
  for (const [what, data, code, message] of cases) {
    await assert.rejects(readAll(data), (e: NodeJS.ErrnoException) => {
      assert.equal(e.code, code, what);
      assert.match(e.message, message, what);
      return true;
    });
  }
});
