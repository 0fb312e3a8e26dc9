import { UserError } from '../errors.js';

// Refuses a probability map whose grid is not the pseudo label's (entropy and MC dropout read
// both voxel by voxel).
export function checkGrid(
  dims: [number, number, number],
  maskDims: number[],
  probabilities: string,
  mask: string,
): void {
  const [mx, my, mz] = maskDims;
  if (dims[0] !== mx || dims[1] !== my || dims[2] !== mz) {
    throw new UserError(
      `${probabilities}: probabilities on a ${dims.join(' x ')} grid, but the pseudo label ${mask} is ${maskDims.slice(0, 3).join(' x ')}`,
      { hint: 'the engine must save probabilities on the image grid, like the mask' },
    );
  }
}
