// A forward-only source of a NIfTI file's (decompressed) bytes, read into the caller's arrays.
export interface ByteSource {
  // Bytes handed out so far (filled or skipped).
  position: number;
  // Copies bytes into target from offset on; returns how many (fewer only at the end of data).
  fill(target: Uint8Array, offset?: number): Promise<number>;
  // Discards up to n bytes; returns how many were discarded.
  skip(n: number): Promise<number>;
  // Whether no bytes are left (may consume a byte when some are: call it last).
  atEnd(): Promise<boolean>;
  // Releases the file.
  close(): void;
}

// Discards bytes by filling a scratch array, for sources that can only read forwards.
export async function skipByFilling(source: ByteSource, n: number): Promise<number> {
  const scratch = new Uint8Array(Math.min(n, 1 << 16));
  let done = 0;
  while (done < n) {
    const want = Math.min(scratch.length, n - done);
    const got = await source.fill(scratch.subarray(0, want));
    done += got;
    if (got < want) break;
  }
  return done;
}
