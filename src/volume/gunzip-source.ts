import type { FileHandle } from 'node:fs/promises';
import { constants, type Gunzip, createGunzip } from 'node:zlib';
import { type ByteSource, skipByFilling } from './byte-source.js';

const INPUT_CHUNK = 256 * 1024;

// The part of Node's zlib binding this source drives: `writeSync` inflates from an input range
// straight into an output range and leaves [availOut, availIn] in `_writeState`. It is what
// Node's own zlib streams call; using it directly lets the inflated bytes land in the caller's
// preallocated array, so a read holds the output plus two small input buffers, nothing more.
type WriteSyncArgs = [
  flush: number,
  input: Uint8Array,
  inOff: number,
  inLen: number,
  out: Uint8Array,
  outOff: number,
  outLen: number,
];
interface ZlibHandle {
  writeSync(...args: WriteSyncArgs): void;
}
// A zlib stream with that binding exposed (gunzip here, raw inflate in GzipMemorySource).
export type DirectInflater = Pick<Gunzip, 'errored'> & {
  _handle?: ZlibHandle;
  _writeState?: Uint32Array;
};
type DirectZlib = Gunzip & DirectInflater;

// One inflate step: input[inOff, inOff + inLen) into out[outOff, outOff + outLen); returns the
// bytes produced and consumed, or throws zlib's error.
export function inflateStep(
  z: DirectInflater,
  ...args: WriteSyncArgs
): { produced: number; consumed: number } {
  z._handle!.writeSync(...args);
  if (z.errored) throw z.errored;
  const [, , , inLen, , , outLen] = args;
  const state = z._writeState!;
  return { produced: outLen - state[0]!, consumed: inLen - state[1]! };
}

// Whether this Node exposes the binding GunzipSource and GzipMemorySource need (else callers
// use zlib streams).
export function canInflateDirectly(): boolean {
  const gz = createGunzip() as DirectZlib;
  const ok = typeof gz._handle?.writeSync === 'function' && gz._writeState instanceof Uint32Array;
  gz.close();
  return ok;
}

// A .nii.gz inflated with Node's native zlib directly into the caller's arrays from a file
// handle, the next compressed chunk read from disk while one is inflated (double-buffered).
// Handles multi-member gzip. (A file read whole is inflated by GzipMemorySource.)
export class GunzipSource implements ByteSource {
  position = 0;
  private readonly gz: DirectZlib;
  private readonly buffers: Uint8Array[] = [];
  private current = 0;
  private input: Uint8Array;
  private inOff = 0;
  private inAvail = 0;
  private eof = false;
  private ended = false;
  private filePosition = 0;
  private nextRead: Promise<number> | undefined;

  constructor(private readonly handle: FileHandle) {
    this.gz = createGunzip() as DirectZlib;
    this.gz.on('error', () => {}); // errors are read from gz.errored after each step
    this.buffers.push(Buffer.allocUnsafe(INPUT_CHUNK), Buffer.allocUnsafe(INPUT_CHUNK));
    this.input = this.buffers[0]!;
    this.nextRead = this.readInto(0);
  }

  async fill(target: Uint8Array, offset = 0): Promise<number> {
    let at = offset;
    while (at < target.length && !this.ended) {
      if (this.inAvail === 0 && !this.eof) await this.nextInput();
      const { produced, consumed } = inflateStep(
        this.gz,
        this.eof ? constants.Z_FINISH : constants.Z_NO_FLUSH,
        this.input,
        this.inOff,
        this.inAvail,
        target,
        at,
        target.length - at,
      );
      at += produced;
      this.inOff += consumed;
      this.inAvail -= consumed;
      if (produced === 0 && consumed === 0 && (this.eof || this.inAvail > 0)) this.ended = true;
    }
    this.position += at - offset;
    return at - offset;
  }

  skip(n: number): Promise<number> {
    return skipByFilling(this, n);
  }

  async atEnd(): Promise<boolean> {
    return (await this.fill(new Uint8Array(1))) === 0;
  }

  close(): void {
    this.gz.close();
    void this.nextRead?.catch(() => {});
    void this.handle.close().catch(() => {});
  }

  private async nextInput(): Promise<void> {
    const bytesRead = await this.nextRead!;
    this.input = this.buffers[this.current]!;
    this.inOff = 0;
    this.inAvail = bytesRead;
    if (bytesRead === 0) {
      this.eof = true;
      this.nextRead = undefined;
      return;
    }
    this.current ^= 1;
    this.nextRead = this.readInto(this.current);
  }

  private async readInto(index: number): Promise<number> {
    const { bytesRead } = await this.handle.read(
      this.buffers[index]!,
      0,
      INPUT_CHUNK,
      this.filePosition,
    );
    this.filePosition += bytesRead;
    return bytesRead;
  }
}
