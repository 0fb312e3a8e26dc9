import type { Affine } from './types.js';

const POSITIVE = ['R', 'A', 'S'];
const NEGATIVE = ['L', 'P', 'I'];

// The axis codes of a RAS+ affine, e.g. "RAS" or "LPS": for each voxel axis, the world
// direction it increases towards. Like nibabel's aff2axcodes: columns are normalised, then the
// largest remaining entry pairs a voxel axis with a world axis, until all three are paired.
export function orientationCode(affine: Affine): string {
  const m = [0, 1, 2].map((i) => [0, 1, 2].map((j) => affine[i]![j]!));
  for (let j = 0; j < 3; j++) {
    const n = Math.hypot(m[0]![j]!, m[1]![j]!, m[2]![j]!);
    for (let i = 0; i < 3; i++) m[i]![j] = n > 0 ? m[i]![j]! / n : 0;
  }
  const codes = ['?', '?', '?'];
  const freeRows = new Set([0, 1, 2]);
  const freeCols = new Set([0, 1, 2]);
  for (let step = 0; step < 3; step++) {
    let best: [number, number] | undefined;
    for (const i of freeRows) {
      for (const j of freeCols) {
        if (!best || Math.abs(m[i]![j]!) > Math.abs(m[best[0]]![best[1]]!)) best = [i, j];
      }
    }
    if (!best) break;
    const [i, j] = best;
    const v = m[i]![j]!;
    if (v === 0) break;
    codes[j] = v > 0 ? POSITIVE[i]! : NEGATIVE[i]!;
    freeRows.delete(i);
    freeCols.delete(j);
  }
  return codes.join('');
}
