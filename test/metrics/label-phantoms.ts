// Small deterministic label maps for the metrics tests: ellipsoids, noise, single voxels.

type Triple = readonly [number, number, number];

// A seeded uniform generator on [0, 1) (mulberry32).
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// Writes `label` into `map` inside the ellipsoid (centre and radii in voxels).
export function paintEllipsoid(
  map: Uint8Array | Uint16Array,
  dims: Triple,
  label: number,
  centre: Triple,
  radii: Triple,
): void {
  const [nx, ny, nz] = dims;
  for (let z = 0; z < nz; z++) {
    for (let y = 0; y < ny; y++) {
      for (let x = 0; x < nx; x++) {
        const u = (x - centre[0]) / radii[0];
        const v = (y - centre[1]) / radii[1];
        const w = (z - centre[2]) / radii[2];
        if (u * u + v * v + w * w <= 1) map[(z * ny + y) * nx + x] = label;
      }
    }
  }
}

// Flips each voxel of `map` to `label` (or to 0 where it was `label`) with probability p.
export function sprinkle(
  map: Uint8Array | Uint16Array,
  label: number,
  p: number,
  random: () => number,
): void {
  for (let i = 0; i < map.length; i++) {
    if (random() < p) map[i] = map[i] === label ? 0 : label;
  }
}

// A 0/1 mask with each voxel set with probability p.
export function randomMask(size: number, p: number, random: () => number): Uint8Array {
  const mask = new Uint8Array(size);
  for (let i = 0; i < size; i++) mask[i] = random() < p ? 1 : 0;
  return mask;
}
