"""Preprocessing as MONAI's SwinUNETR recipes do it, and its inverse for outputs.

Forward (image -> network grid): reorient to RAS (axis flips and permutations only, as
nibabel.as_closest_canonical), resample to the target spacing when one is given (trilinear for
images, nearest for labels), window HU to -175..250 and scale to 0..1 with clipping.
Inverse (network grid -> image grid): class probabilities are resampled back linearly and
renormalised, then reoriented back, so masks and probability maps land exactly on the input
grid. Masks are the argmax of the probabilities on the input grid.
"""

import nibabel as nib
import numpy as np
import torch
import torch.nn.functional as F

_RAS = nib.orientations.axcodes2ornt(("R", "A", "S"))
# Nearest neighbour at voxel centres, the same grid mapping as trilinear with
# align_corners=False (torch >= 1.11).
_NEAREST = "nearest-exact"


class Grid:
    """How one image maps to the network grid: its orientation and the resampled shape."""

    def __init__(self, image, target_spacing):
        self.affine = image.affine
        self.ornt = nib.io_orientation(image.affine)
        self.inverse_ornt = nib.orientations.ornt_transform(_RAS, self.ornt)
        native_spacing = np.sqrt((image.affine[:3, :3] ** 2).sum(axis=0))
        self.native_shape = tuple(int(n) for n in image.shape[:3])
        # Shape and spacing once reoriented to RAS.
        self.ras_shape = [0, 0, 0]
        self.ras_spacing = [0.0, 0.0, 0.0]
        for axis, (to_axis, _flip) in enumerate(self.ornt.astype(int)):
            self.ras_shape[to_axis] = self.native_shape[axis]
            self.ras_spacing[to_axis] = float(native_spacing[axis])
        if target_spacing is None:
            self.shape = tuple(self.ras_shape)
        else:
            self.shape = tuple(
                max(1, int(round(n * s / t))) for n, s, t in zip(self.ras_shape, self.ras_spacing, target_spacing)
            )
        self.resampled = self.shape != tuple(self.ras_shape)

    def to_ras(self, array):
        """Reorients an array (3 spatial axes first, more may follow) to RAS."""
        return np.ascontiguousarray(nib.orientations.apply_orientation(array, self.ornt))

    def from_ras(self, array):
        """Undoes to_ras."""
        return nib.orientations.apply_orientation(array, self.inverse_ornt)


def window_hu(data, hu_window):
    """Clips HU to the window and scales it to 0..1 (MONAI ScaleIntensityRanged, clip=True)."""
    low, high = hu_window
    return np.clip((data - low) / (high - low), 0.0, 1.0).astype(np.float32)


def prepare_image(data, grid, hu_window):
    """An image array on the network grid: RAS, resampled, windowed; float32 (x, y, z)."""
    ras = grid.to_ras(data.astype(np.float32, copy=False))
    if grid.resampled:
        tensor = torch.from_numpy(ras)[None, None]
        ras = F.interpolate(tensor, size=grid.shape, mode="trilinear", align_corners=False)[0, 0].numpy()
    return window_hu(ras, hu_window)


def prepare_labels(channels, grid):
    """A channel-index map (0 = background) on the network grid, uint8 (x, y, z)."""
    ras = grid.to_ras(channels.astype(np.uint8, copy=False))
    if grid.resampled:
        tensor = torch.from_numpy(ras)[None, None].float()
        ras = F.interpolate(tensor, size=grid.shape, mode=_NEAREST)[0, 0].numpy().astype(np.uint8)
    return ras


def restore_outputs(probabilities, grid, want_probabilities):
    """Takes class probabilities on the network grid (C, x, y, z, a torch tensor) back to the
    input grid. Returns (channel-index mask (x, y, z) uint8, probabilities (x, y, z, C)
    float32 or None when not wanted). One class is resampled at a time to bound memory."""
    classes = probabilities.shape[0]
    if not grid.resampled:
        mask = probabilities.argmax(dim=0).to(torch.uint8).cpu().numpy()
        out = np.moveaxis(probabilities.float().cpu().numpy(), 0, -1) if want_probabilities else None
    else:
        size = tuple(grid.ras_shape)
        best = np.full(size, -1.0, dtype=np.float32)
        mask = np.zeros(size, dtype=np.uint8)
        out = np.empty(size + (classes,), dtype=np.float32) if want_probabilities else None
        total = np.zeros(size, dtype=np.float32) if want_probabilities else None
        for c in range(classes):
            channel = probabilities[c][None, None].float()
            resampled = F.interpolate(channel, size=size, mode="trilinear", align_corners=False)[0, 0].cpu().numpy()
            better = resampled > best
            best[better] = resampled[better]
            mask[better] = c
            if want_probabilities:
                out[..., c] = resampled
                total += resampled
        if want_probabilities:
            # Linear interpolation keeps the sum at 1 up to rounding; make it exact again.
            out /= np.maximum(total, 1e-12)[..., None]
    mask = np.ascontiguousarray(grid.from_ras(mask))
    if out is not None:
        out = grid.from_ras(out)
    return mask, out
