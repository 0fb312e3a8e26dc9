"""Training patches with foreground oversampling (as nnU-Net and MONAI's RandCropByPosNegLabel):
a share of the patches is centred on a voxel of a class drawn uniformly among those present,
the rest are drawn uniformly from the volume."""

import numpy as np
import torch

# At most this many voxel positions are kept per class and case to draw centres from.
_MAX_POSITIONS = 20000


class PatchSampler:
    """Draws (image, label) patch batches from preprocessed cases with a seeded numpy Generator."""

    def __init__(self, cases, patch, foreground_ratio, rng):
        self.patch = tuple(patch)
        self.foreground_ratio = foreground_ratio
        self.rng = rng
        self.cases = []
        for image, labels in cases:
            pads = [(0, max(0, p - s)) for s, p in zip(image.shape, self.patch)]
            image = np.pad(image, pads)
            labels = np.pad(labels, pads)
            positions = {}
            for value in np.unique(labels):
                if value == 0:
                    continue
                flat = np.flatnonzero(labels == value)
                if flat.size > _MAX_POSITIONS:
                    flat = np.sort(rng.choice(flat, _MAX_POSITIONS, replace=False))
                positions[int(value)] = flat
            self.cases.append((image, labels, positions))

    def _start(self, shape, positions):
        if positions and self.rng.random() < self.foreground_ratio:
            value = sorted(positions)[self.rng.integers(len(positions))]
            flat = positions[value][self.rng.integers(positions[value].size)]
            centre = np.unravel_index(flat, shape)
            return [int(np.clip(c - p // 2, 0, s - p)) for c, p, s in zip(centre, self.patch, shape)]
        return [int(self.rng.integers(0, s - p + 1)) for p, s in zip(self.patch, shape)]

    def sample(self, batch_size):
        """A batch: images (B, 1, x, y, z) float32 and labels (B, x, y, z) int64 tensors."""
        images, labels = [], []
        for _ in range(batch_size):
            image, label, positions = self.cases[self.rng.integers(len(self.cases))]
            start = self._start(image.shape, positions)
            box = tuple(slice(o, o + p) for o, p in zip(start, self.patch))
            images.append(image[box])
            labels.append(label[box])
        return torch.from_numpy(np.stack(images)[:, None]), torch.from_numpy(np.stack(labels).astype(np.int64))


def augment_intensity(images, rng):
    """MONAI's SwinUNETR recipe: RandScaleIntensity(factors=0.1, prob=0.1) and
    RandShiftIntensity(offsets=0.1, prob=0.5), per patch."""
    for index in range(images.shape[0]):
        if rng.random() < 0.1:
            images[index] *= 1.0 + rng.uniform(-0.1, 0.1)
        if rng.random() < 0.5:
            images[index] += rng.uniform(-0.1, 0.1)
    return images
