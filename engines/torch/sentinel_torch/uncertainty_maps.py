"""The fused uncertainty of the contract (save.entropyMap, save.mcStdMap): each voxel's value is
what the entropy and mc-dropout strategies compute for it from the files, using the
probabilities exactly as they would have been stored (float32, or uint8 read back as
byte * float32(1/255)), so the orchestrator's scores match the file-based path's."""

import numpy as np

from .nifti_io import quantize_probabilities

# scl_slope = 1/255 as a NIfTI header stores it (float32), as the orchestrator's reader applies it.
BYTE_SLOPE = float(np.float32(1.0 / 255.0))
# z-slices handled at once, to bound the temporary float64 copies.
SLAB = 8


def stored_values(probabilities, probability_type):
    """(x, y, z, C) probabilities as they would be read back from the stored map, as float64."""
    if probability_type == "float32":
        return np.asarray(probabilities, dtype=np.float32).astype(np.float64)
    read = quantize_probabilities(probabilities).astype(np.float64) * BYTE_SLOPE
    return read.astype(np.float32).astype(np.float64)


def entropy_map(probabilities, probability_type):
    """Per voxel -sum_c p_c ln p_c (terms with p_c = 0 count 0), float32 (x, y, z)."""
    out = np.empty(probabilities.shape[:3], dtype=np.float32)
    for z0 in range(0, probabilities.shape[2], SLAB):
        p = stored_values(probabilities[:, :, z0:z0 + SLAB, :], probability_type)
        with np.errstate(divide="ignore", invalid="ignore"):
            terms = np.where(p > 0, -p * np.log(p), 0.0)
        out[:, :, z0:z0 + SLAB] = terms.sum(axis=3)
    return out


class McSpread:
    """Sums of T Monte-Carlo passes and of their squares per voxel and class; map() gives each
    voxel's per-class population std, averaged over the classes."""

    def __init__(self, probability_type):
        self.probability_type = probability_type
        self.sum = None
        self.sum_squares = None
        self.samples = 0

    def add(self, probabilities):
        if self.sum is None:
            self.sum = np.zeros(probabilities.shape, dtype=np.float64)
            self.sum_squares = np.zeros(probabilities.shape, dtype=np.float64)
        for z0 in range(0, probabilities.shape[2], SLAB):
            p = stored_values(probabilities[:, :, z0:z0 + SLAB, :], self.probability_type)
            self.sum[:, :, z0:z0 + SLAB] += p
            self.sum_squares[:, :, z0:z0 + SLAB] += p * p
        self.samples += 1

    def map(self):
        t = self.samples
        classes = self.sum.shape[3]
        mean = self.sum / t
        spread = np.sqrt(np.maximum(0.0, self.sum_squares / t - mean * mean)) / classes
        return spread.sum(axis=3).astype(np.float32)
