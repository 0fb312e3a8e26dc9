import { openUncertaintyMap } from '../uncertainty/uncertainty-map.js';
import { type GridLike, gridDifference } from '../volume/index.js';
import { type OutputProblem, checkExists, readingProblem } from './check-outputs.js';

// A fused uncertainty map (save.entropyMap / save.mcStdMap) must be a 3D float32 map on the
// image's grid whose values are finite and not negative (an entropy or a standard deviation).
export async function checkUncertaintyMap(
  path: string | undefined,
  image: GridLike,
  what: 'entropy map' | 'MC-std map',
): Promise<OutputProblem | undefined> {
  if (!path)
    return { reason: 'missing-output', message: `the ${what} was asked for but not given` };
  const missing = await checkExists(path, what);
  if (missing) return missing;
  return readingProblem(path, async () => {
    const map = await openUncertaintyMap(path);
    if (map.datatype !== 'float32' && map.datatype !== 'float64') {
      await map.slices.return(undefined);
      return `${what} ${path} is stored as ${map.datatype}; the contract asks for float32`;
    }
    const diff = gridDifference(image, { dims: map.dims, affine: map.affine });
    if (diff) {
      await map.slices.return(undefined);
      return `${what} ${path} is not on the image's grid (image vs map: ${diff})`;
    }
    let bad = 0;
    for await (const slice of map.slices) {
      for (const v of slice.data) if (!(v >= 0 && v < Number.POSITIVE_INFINITY)) bad++;
    }
    return bad > 0 ? `${what} ${path} has ${bad} negative or non-finite values` : undefined;
  });
}
