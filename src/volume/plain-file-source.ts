import type { FileHandle } from 'node:fs/promises';
import type { ByteSource } from './byte-source.js';

// An uncompressed .nii read straight into the caller's arrays (no intermediate chunks).
export class PlainFileSource implements ByteSource {
  position = 0;

  constructor(
    private readonly handle: FileHandle,
    private readonly size: number,
  ) {}

  async fill(target: Uint8Array, offset = 0): Promise<number> {
    let at = offset;
    while (at < target.length) {
      const { bytesRead } = await this.handle.read(
        target,
        at,
        Math.min(target.length - at, 1 << 30),
        this.position,
      );
      if (bytesRead === 0) break;
      at += bytesRead;
      this.position += bytesRead;
    }
    return at - offset;
  }

  async skip(n: number): Promise<number> {
    const k = Math.max(0, Math.min(n, this.size - this.position));
    this.position += k;
    return k;
  }

  async atEnd(): Promise<boolean> {
    return this.position >= this.size;
  }

  close(): void {
    void this.handle.close().catch(() => {});
  }
}
