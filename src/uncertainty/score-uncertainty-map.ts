import type { ClassMap } from '../volume/class-map.js';
import { readLabelMap } from '../volume/read-label-map.js';
import { checkGrid } from './check-grid.js';
import { openUncertaintyMap } from './uncertainty-map.js';
import { VoxelMeans } from './voxel-means.js';

// Scores one case from a fused uncertainty map (an engine's entropy or MC-std map): minus the
// map's mean over all voxels (case) and over each organ's voxels in the pseudo label, the same
// means the file-based strategies compute from probability maps. Streams the map by slabs.
export async function scoreUncertaintyMap(
  mapPath: string,
  maskPath: string,
  classes: ClassMap,
): Promise<ReturnType<VoxelMeans['negatedMeans']>> {
  const mask = await readLabelMap(maskPath);
  const map = await openUncertaintyMap(mapPath);
  try {
    checkGrid(map.dims, mask.dims, mapPath, maskPath);
  } catch (error) {
    await map.slices.return(undefined);
    throw error;
  }
  const means = new VoxelMeans(mask.data);
  const sliceLength = map.dims[0] * map.dims[1];
  for await (const slice of map.slices) means.add(slice.k * sliceLength, slice.data);
  return means.negatedMeans(classes);
}
