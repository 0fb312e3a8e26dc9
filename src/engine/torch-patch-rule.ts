// The torch engine's patch rule, checked before any work (at config load and by engine-check)
// so that a patch the network cannot take fails in a second, not after a model is built. The
// engine checks the same rule (engines/torch/sentinel_torch/params.py, patch_problem).
// Measured with MONAI 1.3.2: SwinUNETR halves its input 5 times, so each patch dimension must be
// a multiple of 32, and its 1/32 bottleneck must hold more than one voxel (InstanceNorm:
// "Expected more than 1 spatial element"): 64^3 and 64x32x32 work, 32^3 fails.

// The engine's default patch per network, where params give none.
const DEFAULT_PATCH: Record<string, readonly number[]> = {
  unet: [48, 48, 32],
  swinunetr: [96, 96, 96],
};
const PATCH_MULTIPLE: Record<string, number> = { unet: 4, swinunetr: 32 };

// Why the torch engine cannot run these params' patch, or undefined when it can (and for
// params of another engine: no `network` the torch engine knows, or no patch it can read).
export function torchPatchProblem(params: Record<string, unknown>): string | undefined {
  const network = params.network;
  if (typeof network !== 'string' || !Object.hasOwn(PATCH_MULTIPLE, network)) return undefined;
  const multiple = PATCH_MULTIPLE[network] ?? 1;
  const patch = params.patchSize ?? DEFAULT_PATCH[network];
  if (!isIntegerTriple(patch)) return undefined;
  const shown = `[${patch.join(', ')}]`;
  if (patch.some((size) => size % multiple !== 0))
    return `${network} needs multiples of ${multiple} in each patch dimension, got patchSize ${shown}`;
  const bottleneck = patch.map((size) => size / 32);
  if (network === 'swinunetr' && bottleneck.reduce((a, b) => a * b, 1) <= 1)
    return `swinunetr needs a 1/32 bottleneck of more than one voxel (InstanceNorm needs more than 1 spatial element), got patchSize ${shown} (bottleneck ${bottleneck.join('x')}); use e.g. [64, 64, 64]`;
  return undefined;
}

function isIntegerTriple(value: unknown): value is number[] {
  return Array.isArray(value) && value.length === 3 && value.every((v) => Number.isInteger(v));
}
