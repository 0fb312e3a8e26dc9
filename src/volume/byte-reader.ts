import type { Readable } from 'node:stream';
import type { ByteSource } from './byte-source.js';

// Pulls exact byte counts out of a stream of chunks (here: a zlib gunzip stream, the fallback
// where GunzipSource cannot drive zlib directly), buffering no more than one chunk.
export class ByteReader implements ByteSource {
  private readonly iterator: AsyncIterator<Buffer>;
  private pending: Buffer | undefined;
  private ended = false;
  position = 0;

  constructor(private readonly stream: Readable) {
    this.iterator = stream[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  }

  // Copies bytes into target from offset on; returns how many were copied (less only at the end).
  async fill(target: Uint8Array, offset = 0): Promise<number> {
    let at = offset;
    while (at < target.length) {
      const chunk = await this.next();
      if (!chunk) break;
      const n = Math.min(chunk.length, target.length - at);
      target.set(n === chunk.length ? chunk : chunk.subarray(0, n), at);
      at += n;
      this.pending = n < chunk.length ? chunk.subarray(n) : undefined;
    }
    this.position += at - offset;
    return at - offset;
  }

  // Discards up to n bytes; returns how many were discarded.
  async skip(n: number): Promise<number> {
    let left = n;
    while (left > 0) {
      const chunk = await this.next();
      if (!chunk) break;
      const k = Math.min(chunk.length, left);
      left -= k;
      this.pending = k < chunk.length ? chunk.subarray(k) : undefined;
    }
    this.position += n - left;
    return n - left;
  }

  // Whether the stream has no bytes left.
  async atEnd(): Promise<boolean> {
    const chunk = await this.next();
    this.pending = chunk;
    return chunk === undefined;
  }

  // Stops reading and releases the file.
  close(): void {
    this.stream.destroy();
  }

  private async next(): Promise<Buffer | undefined> {
    if (this.pending && this.pending.length > 0) {
      const p = this.pending;
      this.pending = undefined;
      return p;
    }
    while (!this.ended) {
      const r = await this.iterator.next();
      if (r.done) {
        this.ended = true;
        return undefined;
      }
      if (r.value.length > 0) return r.value;
    }
    return undefined;
  }
}
