import { createHash } from 'node:crypto';

// A uniform draw in [0, 1) that depends only on the seed and the key (e.g. a case id), so a
// case's draw does not change with the order or the number of cases.
export function seededUniform(seed: number, key: string): number {
  const digest = createHash('sha256').update(`${seed}\u0000${key}`).digest();
  // 53 random bits -> a double in [0, 1).
  const high = digest.readUInt32BE(0) >>> 5;
  const low = digest.readUInt32BE(4) >>> 6;
  return (high * 67108864 + low) / 9007199254740992;
}
