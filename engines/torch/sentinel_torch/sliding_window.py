"""Sliding-window inference over a whole volume (as MONAI's sliding_window_inference):
windows of the patch size with a configurable overlap, logits blended with a Gaussian or a
constant importance map."""

import itertools

import numpy as np
import torch
import torch.nn.functional as F


def window_starts(size, window, overlap):
    """Start offsets along one axis so that windows cover 0..size with the given overlap."""
    if size <= window:
        return [0]
    step = max(1, int(round(window * (1.0 - overlap))))
    starts = list(range(0, size - window + 1, step))
    if starts[-1] != size - window:
        starts.append(size - window)
    return starts


def importance_map(window, blending, device):
    """Per-voxel weight of a window's output: a Gaussian with sigma = window/8 per axis
    (nnU-Net's and MONAI's default), or ones."""
    if blending == "constant":
        return torch.ones(tuple(window), device=device)
    axes = []
    for size in window:
        centre = (size - 1) / 2.0
        coords = np.arange(size, dtype=np.float64)
        axes.append(np.exp(-0.5 * ((coords - centre) / (0.125 * size)) ** 2))
    weights = axes[0][:, None, None] * axes[1][None, :, None] * axes[2][None, None, :]
    weights /= weights.max()
    weights = np.maximum(weights, weights[weights > 0].min())
    return torch.from_numpy(weights.astype(np.float32)).to(device)


@torch.no_grad()
def sliding_window_logits(model, image, window, overlap, blending, batch_size, out_channels):
    """Logits (C, x, y, z) for an image (x, y, z) tensor already on the model's device."""
    shape = image.shape
    pads = [max(0, w - s) for s, w in zip(shape, window)]
    # F.pad takes the last axis first: (z_before, z_after, y_before, ...).
    padding = []
    for pad in reversed(pads):
        padding += [pad // 2, pad - pad // 2]
    padded = F.pad(image[None, None], padding)[0, 0] if any(pads) else image
    full = padded.shape
    weights = importance_map(window, blending, image.device)
    logits = torch.zeros((out_channels, *full), device=image.device)
    total = torch.zeros(full, device=image.device)
    starts = list(itertools.product(*(window_starts(s, w, overlap) for s, w in zip(full, window))))
    for first in range(0, len(starts), batch_size):
        group = starts[first:first + batch_size]
        boxes = [tuple(slice(o, o + w) for o, w in zip(start, window)) for start in group]
        batch = torch.stack([padded[box] for box in boxes])[:, None]
        output = model(batch)
        for box, out in zip(boxes, output):
            logits[(slice(None), *box)] += out * weights
            total[box] += weights
    logits /= total
    crop = tuple(slice(p // 2, p // 2 + s) for p, s in zip(pads, shape))
    return logits[(slice(None), *crop)]
