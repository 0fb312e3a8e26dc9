import type { ByteSource } from './byte-source.js';

// An uncompressed .nii already read whole into memory.
export class MemorySource implements ByteSource {
  position = 0;

  constructor(private readonly bytes: Uint8Array) {}

  async fill(target: Uint8Array, offset = 0): Promise<number> {
    const n = Math.max(0, Math.min(target.length - offset, this.bytes.length - this.position));
    target.set(this.bytes.subarray(this.position, this.position + n), offset);
    this.position += n;
    return n;
  }

  async skip(n: number): Promise<number> {
    const k = Math.max(0, Math.min(n, this.bytes.length - this.position));
    this.position += k;
    return k;
  }

  async atEnd(): Promise<boolean> {
    return this.position >= this.bytes.length;
  }

  close(): void {}
}
