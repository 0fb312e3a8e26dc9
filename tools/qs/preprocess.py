"""The official QS preprocessing of one organ of one scan (QS-INFERENCE.md, "Preprocessing").

Volumes are numpy arrays in nibabel's stored voxel order [i, j, k]; a slice is a fixed k whose
pixel (r, c) is voxel (i=c, j=r, k), i.e. `volume[:, :, k].T`, H = ny rows and W = nx columns.
"""

import math

import nibabel as nib
import numpy as np
from PIL import Image


def read_volume(path):
    """Reads a NIfTI file as an [nx, ny, nz] array with scl_slope/inter applied, never reoriented."""
    data = np.asanyarray(nib.load(path).dataobj)
    while data.ndim > 3 and data.shape[-1] == 1:
        data = data[..., 0]
    if data.ndim != 3:
        raise ValueError(f"{path}: expected a 3D volume, got shape {data.shape}")
    return data


def slice_plane(volume, k):
    """The k-th slice as an [H, W] = [ny, nx] image: pixel (r, c) = voxel (c, r, k)."""
    return volume[:, :, k].T


def select_slices(mask, count):
    """Slices with any mask voxel, reduced to `count` by valid[floor(len / count * i)]."""
    valid = np.flatnonzero(mask.any(axis=(0, 1)))
    if len(valid) > count:
        return [int(valid[int(math.floor(len(valid) / count * i))]) for i in range(count)]
    return [int(k) for k in valid]


def crop_box(mask2d, margin):
    """The official crop (r0, r1, c0, c1), ends exclusive: bbox + margin, then the squaring quirk."""
    return crop_box_margins(mask2d, margin, margin)


def crop_box_margins(mask2d, row_margin, col_margin):
    """The crop with per-axis margins (the authors' training crop draws them at random): the
    mask's bounding box plus the margins, ends exclusive, then the squaring quirk."""
    height, width = mask2d.shape
    rows = np.flatnonzero(mask2d.any(axis=1))
    cols = np.flatnonzero(mask2d.any(axis=0))
    r0, r1 = max(int(rows[0]) - row_margin, 0), min(int(rows[-1]) + row_margin, height)
    c0, c1 = max(int(cols[0]) - col_margin, 0), min(int(cols[-1]) + col_margin, width)
    row_span, col_span = r1 - r0, c1 - c0
    if row_span > col_span:
        half = (row_span - col_span) // 2
        c0, c1 = max(c0 - half, 0), min(c1 + half, width)
    elif col_span > row_span:
        half = (col_span - row_span) // 2
        r0, r1 = max(r0 - half, 0), min(r1 + half, height)
    return r0, r1, c0, c1


def resize_pillow_bilinear(image, size):
    """Pillow's BILINEAR resize of a float32 image (mode F) to size x size."""
    pil = Image.fromarray(np.ascontiguousarray(image, dtype=np.float32), mode="F")
    return np.asarray(pil.resize((size, size), Image.BILINEAR), dtype=np.float32)


def window_ct(ct2d, hu_window):
    """Clips CT to the HU window and maps it to [0, 1] in float32, as the official Clip_Rescale."""
    lo, hi = hu_window
    clipped = np.clip(ct2d.astype(np.float32), lo, hi)
    return (clipped - np.float32(lo)) / np.float32(hi - lo)


def preprocess_slice(ct2d, mask2d, manifest):
    """The network input [2, S, S] (float32) for one slice of one organ."""
    size = manifest["inputSize"]
    r0, r1, c0, c1 = crop_box(mask2d, manifest["cropMargin"])
    ct = resize_pillow_bilinear(window_ct(ct2d[r0:r1, c0:c1], manifest["huWindow"]), size)
    mask = resize_pillow_bilinear(mask2d[r0:r1, c0:c1].astype(np.float32), size)
    norm = manifest["normalisation"]
    ct = (ct - np.float32(norm["ct"]["mean"])) / np.float32(norm["ct"]["std"])
    mask = (mask - np.float32(norm["mask"]["mean"])) / np.float32(norm["mask"]["std"])
    return np.stack([ct, mask]).astype(np.float32)


def organ_batch(ct, mask, manifest):
    """The selected slice indices of one organ and their network inputs [n, 2, S, S]."""
    slices = select_slices(mask, manifest["slicesPerOrgan"])
    if not slices:
        return slices, None
    batch = np.stack(
        [preprocess_slice(slice_plane(ct, k), slice_plane(mask, k), manifest) for k in slices]
    )
    return slices, batch
