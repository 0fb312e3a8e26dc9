// Post-processing of a label map: for each label, keep only its largest 6-connected component
// (the other components become background). Organs are single connected objects, so small
// islands are nearly always false positives.

// Rewrites `mask` in place; returns how many voxels were removed.
export function keepLargestComponents(mask: Uint8Array, dims: [number, number, number]): number {
  const [nx, ny, nz] = dims;
  const plane = nx * ny;
  const component = new Int32Array(mask.length).fill(-1);
  const queue = new Int32Array(mask.length);
  const sizes: number[] = [];
  const labelOf: number[] = [];
  for (let seed = 0; seed < mask.length; seed++) {
    const label = mask[seed]!;
    if (label === 0 || component[seed]! >= 0) continue;
    const id = sizes.length;
    let head = 0;
    let tail = 0;
    queue[tail++] = seed;
    component[seed] = id;
    while (head < tail) {
      const v = queue[head++]!;
      const x = v % nx;
      const y = Math.floor(v / nx) % ny;
      const z = Math.floor(v / plane);
      const visit = (u: number): void => {
        if (mask[u] === label && component[u]! < 0) {
          component[u] = id;
          queue[tail++] = u;
        }
      };
      if (x > 0) visit(v - 1);
      if (x < nx - 1) visit(v + 1);
      if (y > 0) visit(v - nx);
      if (y < ny - 1) visit(v + nx);
      if (z > 0) visit(v - plane);
      if (z < nz - 1) visit(v + plane);
    }
    sizes.push(tail);
    labelOf.push(label);
  }
  const largest = new Map<number, number>();
  sizes.forEach((size, id) => {
    const label = labelOf[id]!;
    const best = largest.get(label);
    if (best === undefined || size > sizes[best]!) largest.set(label, id);
  });
  let removed = 0;
  for (let v = 0; v < mask.length; v++) {
    const id = component[v]!;
    if (id >= 0 && largest.get(labelOf[id]!) !== id) {
      mask[v] = 0;
      removed++;
    }
  }
  return removed;
}
