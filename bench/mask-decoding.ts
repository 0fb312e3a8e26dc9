// How a full-size per-organ mask's decoding splits: readNifti of a generated 512 x 512 x 300
// uint8 .nii.gz mask (an ellipsoid organ, about 2% of voxels, written by writeNifti), into new
// and into reused memory, against its parts and peers in the same run: Node's gunzip inflating
// into a preallocated array (zlib's own CRC check), raw inflate of the same deflate stream (no
// check), zlib.crc32 over the inflated bytes, and the CRC readNifti uses, which steps over
// zero blocks (src/volume/crc32-skipping-zeros.ts). CPU ms, the best of --repeats.
//   npm run bench:mask-decoding [-- --repeats 10]

import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import zlib from 'node:zlib';
import { crc32SkippingZeros } from '../src/volume/crc32-skipping-zeros.js';
import { readNifti } from '../src/volume/read-nifti.js';
import { writeNifti } from '../src/volume/write-nifti.js';

const [NX, NY, NZ] = [512, 512, 300];
const root = fileURLToPath(new URL('../../', import.meta.url));
const file = `${root}.bench/mask-512x512x300-uint8.nii.gz`;
const { values } = parseArgs({ options: { repeats: { type: 'string', default: '10' } } });
const repeats = Math.max(1, Number(values.repeats));

async function makeMask(): Promise<void> {
  const data = new Uint8Array(NX * NY * NZ);
  for (let z = 100; z < 180; z++)
    for (let y = 200; y < 300; y++)
      for (let x = 150; x < 300; x++)
        if (((x - 225) / 75) ** 2 + ((y - 250) / 50) ** 2 + ((z - 140) / 40) ** 2 < 1)
          data[x + NX * (y + NY * z)] = 1;
  const affine = [
    [0.78, 0, 0, -200],
    [0, 0.78, 0, -200],
    [0, 0, 1.5, -450],
    [0, 0, 0, 1],
  ] as Parameters<typeof writeNifti>[1]['affine'];
  mkdirSync(`${root}.bench`, { recursive: true });
  await writeNifti(file, {
    dims: [NX, NY, NZ],
    datatype: 'uint8',
    data,
    spacing: [0.78, 0.78, 1.5],
    affine,
    sclSlope: 1,
    sclInter: 0,
  });
}

// The best CPU ms of `repeats` calls (after one warm-up).
async function cpuMs(fn: () => unknown): Promise<number> {
  await fn();
  let best = Number.POSITIVE_INFINITY;
  for (let i = 0; i < repeats; i++) {
    const start = process.cpuUsage();
    await fn();
    const used = process.cpuUsage(start);
    best = Math.min(best, (used.user + used.system) / 1000);
  }
  return best;
}

// The offset of the deflate stream after a gzip member's header (RFC 1952).
function deflateStart(gz: Uint8Array): number {
  const flags = gz[3] as number;
  let at = 10;
  if (flags & 4) at += 2 + (gz[at] as number) + 256 * (gz[at + 1] as number);
  if (flags & 8) while (gz[at++] !== 0);
  if (flags & 16) while (gz[at++] !== 0);
  if (flags & 2) at += 2;
  return at;
}

type DirectZlib = zlib.Gunzip & {
  _handle: { writeSync(...args: unknown[]): void };
  _writeState: Uint32Array;
};

// Inflates input into out with Node's native zlib handle (as the project's GunzipSource does).
function inflateInto(stream: zlib.Gunzip | zlib.InflateRaw, input: Uint8Array, out: Uint8Array) {
  const z = stream as DirectZlib;
  z._handle.writeSync(zlib.constants.Z_FINISH, input, 0, input.length, out, 0, out.length);
  const produced = out.length - (z._writeState[0] as number);
  z.close();
  return produced;
}

async function main(): Promise<void> {
  if (!existsSync(file)) await makeMask();
  const gz = readFileSync(file);
  const size = gz.readUInt32LE(gz.length - 4);
  const out = new Uint8Array(size);
  const raw = gz.subarray(deflateStart(gz), gz.length - 8);
  if (inflateInto(zlib.createInflateRaw(), raw, out) !== size) throw new Error('raw inflate');
  if (zlib.crc32(out) !== gz.readUInt32LE(gz.length - 8)) throw new Error('CRC mismatch');
  const whole = await cpuMs(() => readNifti(file));
  const reuse = {};
  const reused = await cpuMs(() => readNifti(file, { reuse }));
  const gunzip = await cpuMs(() => inflateInto(zlib.createGunzip(), gz, out));
  const inflate = await cpuMs(() => inflateInto(zlib.createInflateRaw(), raw, out));
  const crc = await cpuMs(() => zlib.crc32(out));
  const skipping = await cpuMs(() => crc32SkippingZeros(out));
  if (crc32SkippingZeros(out) !== zlib.crc32(out)) throw new Error('CRCs differ');
  console.log(
    `mask-decoding: ${NX} x ${NY} x ${NZ} uint8 mask, ${(gz.length / 1024).toFixed(0)} kB gzipped; CPU ms, best of ${repeats}\n`,
  );
  console.log('| step | CPU ms | share of gunzip |');
  console.log('|---|---|---|');
  const row = (name: string, ms: number) =>
    console.log(`| ${name} | ${ms.toFixed(2)} | ${((100 * ms) / gunzip).toFixed(0)}% |`);
  row('readNifti, new memory each time', whole);
  row('readNifti into reused memory (as QS scorers read)', reused);
  row('gunzip into an array', gunzip);
  row('raw inflate (no check)', inflate);
  row('zlib.crc32 of the output', crc);
  row('crc32SkippingZeros of the output (what readNifti checks with)', skipping);
}

await main();
