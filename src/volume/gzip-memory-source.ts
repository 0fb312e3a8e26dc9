import { constants, type InflateRaw, crc32, createInflateRaw } from 'node:zlib';
import { type ByteSource, skipByFilling } from './byte-source.js';
import { crc32SkippingZeros } from './crc32-skipping-zeros.js';
import { type DirectInflater, inflateStep } from './gunzip-source.js';

// A .nii.gz read whole into memory, inflated by Node's native zlib straight into the caller's
// arrays. The gzip framing (RFC 1952) is read here: each member's header, its raw deflate data,
// then its trailer, whose CRC-32 and length are checked as zlib's gunzip checks them, but with a
// CRC that steps over blocks of zeros (most of a per-organ mask). Members may follow one
// another; a zero byte after one ends the data (padding), as for Node's gunzip. Failures carry
// zlib's codes (Z_BUF_ERROR: the data ends early; Z_DATA_ERROR: corrupt), which open-nifti.ts
// reports.
export class GzipMemorySource implements ByteSource {
  position = 0;
  private readonly z: InflateRaw & DirectInflater;
  // The next input byte not yet consumed.
  private at = 0;
  private inMember = false;
  private ended = false;
  private crc = 0;
  private length = 0;

  constructor(private readonly input: Uint8Array) {
    this.z = createInflateRaw() as InflateRaw & DirectInflater;
    this.z.on('error', () => {}); // errors are read from z.errored after each step
  }

  async fill(target: Uint8Array, offset = 0): Promise<number> {
    let out = offset;
    while (out < target.length && !this.ended) {
      if (!this.inMember) {
        this.startMember();
        continue;
      }
      const { produced, consumed } = inflateStep(
        this.z,
        constants.Z_FINISH,
        this.input,
        this.at,
        this.input.length - this.at,
        target,
        out,
        target.length - out,
      );
      if (produced > 0) {
        this.crc = crc32SkippingZeros(target.subarray(out, out + produced), this.crc);
        this.length += produced;
      }
      out += produced;
      this.at += consumed;
      // No progress with room left: the member's deflate data has ended.
      if (produced === 0 && consumed === 0) this.endMember();
    }
    this.position += out - offset;
    return out - offset;
  }

  skip(n: number): Promise<number> {
    return skipByFilling(this, n);
  }

  async atEnd(): Promise<boolean> {
    return (await this.fill(new Uint8Array(1))) === 0;
  }

  close(): void {
    this.z.close();
  }

  // Reads a member's header (or finds only padding left, and ends).
  private startMember(): void {
    const bytes = this.input;
    let at = this.at;
    // After a member, as Node's gunzip: nothing or a zero byte ends the data (the rest is
    // padding, not read); anything else must be another member.
    if (at > 0 && (at === bytes.length || bytes[at] === 0)) {
      this.ended = true;
      return;
    }
    if (bytes[at] !== 0x1f || (at + 1 < bytes.length && bytes[at + 1] !== 0x8b))
      throw zlibError('Z_DATA_ERROR', 'incorrect header check');
    if (bytes.length - at < 10) throw zlibError('Z_BUF_ERROR', 'unexpected end of file');
    if (bytes[at + 2] !== 8) throw zlibError('Z_DATA_ERROR', 'unknown compression method');
    const flags = bytes[at + 3] as number;
    if (flags & 0xe0) throw zlibError('Z_DATA_ERROR', 'unknown header flags set');
    const start = at;
    at += 10;
    const need = (n: number) => {
      if (at + n > bytes.length) throw zlibError('Z_BUF_ERROR', 'unexpected end of file');
    };
    if (flags & 4) {
      need(2);
      at += 2 + (bytes[at] as number) + 256 * (bytes[at + 1] as number);
      need(0);
    }
    for (const flag of [8, 16]) {
      if (!(flags & flag)) continue;
      while (at < bytes.length && bytes[at] !== 0) at++;
      need(1);
      at++;
    }
    if (flags & 2) {
      need(2);
      const stored = (bytes[at] as number) + 256 * (bytes[at + 1] as number);
      if ((crc32(bytes.subarray(start, at)) & 0xffff) !== stored)
        throw zlibError('Z_DATA_ERROR', 'header crc mismatch');
      at += 2;
    }
    this.at = at;
    this.z.reset();
    this.crc = 0;
    this.length = 0;
    this.inMember = true;
  }

  // Checks the trailer of the member whose deflate data just ended.
  private endMember(): void {
    const bytes = this.input;
    const at = this.at;
    if (bytes.length - at < 8) throw zlibError('Z_BUF_ERROR', 'unexpected end of file');
    const view = new DataView(bytes.buffer, bytes.byteOffset + at, 8);
    if (view.getUint32(0, true) !== this.crc)
      throw zlibError('Z_DATA_ERROR', 'incorrect data check');
    if (view.getUint32(4, true) !== this.length % 2 ** 32)
      throw zlibError('Z_DATA_ERROR', 'incorrect length check');
    this.at = at + 8;
    this.inMember = false;
  }
}

function zlibError(code: 'Z_BUF_ERROR' | 'Z_DATA_ERROR', message: string): Error {
  return Object.assign(new Error(message), { code });
}
