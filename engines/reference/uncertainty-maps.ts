import type { RegionProbabilities } from './segment-image.js';
import { quantizeRow } from './volume-io.js';

// The fused uncertainty of the contract (save.entropyMap, save.mcStdMap), computed from the
// probabilities in memory instead of written maps: each voxel's value is what the entropy and
// mc-dropout strategies would compute for it from the files, using the probabilities exactly as
// they would have been stored (float32, or uint8 read back as byte * float32(1/255)). Voxels
// outside the organ region are background with probability 1: entropy 0, spread 0.

type ProbabilityType = 'float32' | 'uint8';

// scl_slope = 1/255 as the NIfTI header stores it (float32), as the map reader applies it.
const BYTE_SLOPE = Math.fround(1 / 255);

// Each row's class probabilities as they would be read back from the stored map.
function storedRows(probabilities: RegionProbabilities, type: ProbabilityType): Float32Array {
  if (type === 'float32') return probabilities.rows;
  const { rows, classes } = probabilities;
  const out = new Float32Array(rows.length);
  const bytes = new Uint8Array(classes);
  const remainders = new Float64Array(classes);
  for (let o = 0; o < rows.length; o += classes) {
    quantizeRow(rows, o, bytes, remainders);
    for (let c = 0; c < classes; c++) out[o + c] = bytes[c]! * BYTE_SLOPE;
  }
  return out;
}

// Per voxel: -sum_c p_c ln p_c (terms with p_c = 0 count 0).
export function entropyMap(
  probabilities: RegionProbabilities,
  type: ProbabilityType,
): Float32Array {
  const { voxels, inside, classes } = probabilities;
  const rows = storedRows(probabilities, type);
  const out = new Float32Array(voxels);
  for (let r = 0, o = 0; r < inside.length; r++, o += classes) {
    let h = 0;
    for (let c = 0; c < classes; c++) {
      const p = rows[o + c]!;
      h += p > 0 ? -p * Math.log(p) : 0;
    }
    out[inside[r]!] = h;
  }
  return out;
}

// Sums of the T Monte-Carlo samples and of their squares, per row and class; `map()` gives each
// voxel's per-class population std, averaged over the classes (the mc-dropout strategy's value).
export class McSpread {
  private readonly sum: Float64Array;
  private readonly sumSquares: Float64Array;
  private samples = 0;

  constructor(
    private readonly region: { voxels: number; inside: Int32Array; classes: number },
    private readonly type: ProbabilityType,
  ) {
    this.sum = new Float64Array(region.inside.length * region.classes);
    this.sumSquares = new Float64Array(region.inside.length * region.classes);
  }

  add(sample: RegionProbabilities): void {
    const rows = storedRows(sample, this.type);
    for (let i = 0; i < rows.length; i++) {
      const p = rows[i]!;
      this.sum[i]! += p;
      this.sumSquares[i]! += p * p;
    }
    this.samples += 1;
  }

  map(): Float32Array {
    const { voxels, inside, classes } = this.region;
    const t = this.samples;
    const out = new Float32Array(voxels);
    for (let r = 0, o = 0; r < inside.length; r++, o += classes) {
      let spread = 0;
      for (let c = 0; c < classes; c++) {
        const mean = this.sum[o + c]! / t;
        spread += Math.sqrt(Math.max(0, this.sumSquares[o + c]! / t - mean * mean)) / classes;
      }
      out[inside[r]!] = spread;
    }
    return out;
  }
}
