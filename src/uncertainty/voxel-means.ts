import type { ClassMap } from '../volume/class-map.js';

// Sums a per-voxel quantity over the whole volume and over each organ of a label map, so a
// score can be streamed: add() takes contributions slice by slice, in any class order. The
// caller computes a slice's contributions into an array it reuses: a per-voxel callback here
// left a boxed number per voxel to the garbage collector, whose young generation then grew
// with the volume (peak RSS +13 MB at 256x256x128 for MC dropout).
export class VoxelMeans {
  private total = 0;
  private readonly byLabel: Float64Array;
  private readonly voxelsByLabel: Float64Array;

  constructor(private readonly mask: ArrayLike<number>) {
    let maxLabel = 0;
    for (let i = 0; i < mask.length; i++) if ((mask[i] ?? 0) > maxLabel) maxLabel = mask[i] ?? 0;
    this.byLabel = new Float64Array(maxLabel + 1);
    this.voxelsByLabel = new Float64Array(maxLabel + 1);
    for (let i = 0; i < mask.length; i++) this.voxelsByLabel[mask[i] ?? 0]! += 1;
  }

  // Adds values[i] for the voxels offset..offset+values.length-1.
  add(offset: number, values: Float64Array): void {
    const { mask, byLabel } = this;
    let sum = 0;
    for (let i = 0; i < values.length; i++) {
      const x = values[i]!;
      sum += x;
      byLabel[mask[offset + i] ?? 0]! += x;
    }
    this.total += sum;
  }

  // Minus the means (higher = more certain = better quality), for the case and each organ of
  // the class map; an organ with no voxel in the mask has no score.
  negatedMeans(classes: ClassMap): {
    caseScore: number;
    organs: { organ: string; score: number | null; slices?: number }[];
  } {
    const organs = Object.entries(classes).map(([label, organ]) => {
      const n = this.voxelsByLabel[Number(label)] ?? 0;
      return { organ, score: n > 0 ? -(this.byLabel[Number(label)] ?? 0) / n : null };
    });
    return { caseScore: -this.total / this.mask.length, organs };
  }
}
