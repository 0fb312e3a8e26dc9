import { DATATYPES } from './datatypes.js';
import { forEachSlab } from './for-each-slab.js';
import { orientationCode } from './orientation.js';
import { readNiftiHeader } from './read-nifti.js';
import { isIdentityScaling } from './scale-voxels.js';
import type { Affine, DataTypeName, VoxelArray } from './types.js';

// What `sentinel info` reports about one file; value statistics come from one slab pass.
export interface VolumeSummary {
  file: string;
  format: 'NIfTI-1' | 'NIfTI-2';
  compressed: boolean;
  dims: number[];
  datatype: DataTypeName;
  spacing: [number, number, number];
  orientation: string;
  affine: Affine;
  sclSlope: number;
  sclInter: number;
  // Of the finite (scaled) values; null when there are none.
  min: number | null;
  max: number | null;
  // How many voxels are NaN or +-Infinity.
  nonFinite: number;
  // Distinct non-zero values of a label map: integer datatype, no scaling, no negative value and
  // at most MAX_LABEL_MAP_VALUES of them (a CT stored as int16 is none); null otherwise.
  labels: number | null;
}

const MAX_TRACKED_LABELS = 1_000_000;
// The most distinct values a file may hold to count as a label map (TotalSegmentator has 117
// classes); more are intensities.
const MAX_LABEL_MAP_VALUES = 1000;

// Reads a file slab by slab and summarises its header and values without holding it whole.
export async function summarizeVolume(
  path: string,
  options: { maxBytes?: number } = {},
): Promise<VolumeSummary> {
  const header = await readNiftiHeader(path);
  const integerMap =
    DATATYPES[header.datatype].integer && isIdentityScaling(header.sclSlope, header.sclInter);
  const counter = integerMap ? new LabelCounter(header.datatype) : undefined;
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  let nonFinite = 0;
  await forEachSlab(
    path,
    ({ data }) => {
      for (let i = 0; i < data.length; i++) {
        const v = data[i]!;
        if (Number.isFinite(v)) {
          if (v < min) min = v;
          if (v > max) max = v;
        } else nonFinite++;
      }
      counter?.add(data);
    },
    { ...options, reuse: true },
  );
  return {
    file: path,
    format: header.version === 1 ? 'NIfTI-1' : 'NIfTI-2',
    compressed: header.compressed,
    dims: header.dims,
    datatype: header.datatype,
    spacing: header.spacing,
    orientation: orientationCode(header.affine),
    affine: header.affine,
    sclSlope: header.sclSlope,
    sclInter: header.sclInter,
    min: min <= max ? min : null,
    max: min <= max ? max : null,
    nonFinite,
    labels: labelCount(counter?.count(), min),
  };
}

function labelCount(count: number | undefined, min: number): number | null {
  if (count === undefined || min < 0 || count > MAX_LABEL_MAP_VALUES) return null;
  return count;
}

// Counts distinct non-zero integer values: a bitmap for 8/16-bit data, a capped set otherwise.
class LabelCounter {
  private readonly seen: Uint8Array | undefined;
  private readonly set = new Set<number>();
  private readonly offset: number;

  constructor(datatype: DataTypeName) {
    const bytes = DATATYPES[datatype].bytes;
    this.seen = bytes <= 2 ? new Uint8Array(bytes === 1 ? 256 : 65536) : undefined;
    this.offset = datatype === 'int8' ? 128 : datatype === 'int16' ? 32768 : 0;
  }

  add(data: VoxelArray): void {
    if (this.seen) {
      for (let i = 0; i < data.length; i++) this.seen[data[i]! + this.offset] = 1;
      return;
    }
    for (let i = 0; i < data.length && this.set.size <= MAX_TRACKED_LABELS; i++)
      this.set.add(data[i]!);
  }

  count(): number {
    if (this.seen) return this.seen.reduce((a, b) => a + b, 0) - (this.seen[this.offset] ?? 0);
    return this.set.size - (this.set.has(0) ? 1 : 0);
  }
}
