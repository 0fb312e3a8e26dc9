"""Morphological degradations of organ masks: synthetic pseudo labels of known, varied quality.

Masks are boolean arrays [nx, ny, nz] in stored voxel order (a slice is a fixed z). Erosion and
dilation work in-plane (a disk per slice), as segmentation errors at the organ boundary do; the
other degradations model the failures an engine makes: a shifted mask, slices missing, a
neighbouring organ merged in, blobs added outside or cut out of the organ.
"""

import numpy as np
from scipy import ndimage


def disk(radius):
    """An in-plane disk structuring element of the given radius, shaped [2r+1, 2r+1, 1]."""
    r = int(radius)
    y, x = np.mgrid[-r:r + 1, -r:r + 1]
    return (x * x + y * y <= r * r + r * 0.5)[:, :, None]


def erode(mask, radius):
    """In-plane erosion by a disk of `radius` voxels (radius 0: unchanged)."""
    if radius <= 0:
        return mask.copy()
    return ndimage.binary_erosion(mask, structure=disk(radius))


def dilate(mask, radius):
    """In-plane dilation by a disk of `radius` voxels (radius 0: unchanged)."""
    if radius <= 0:
        return mask.copy()
    return ndimage.binary_dilation(mask, structure=disk(radius))


def shift(mask, offset):
    """The mask moved by an integer voxel offset (dx, dy, dz); what leaves the grid is lost."""
    out = np.zeros_like(mask)
    src = tuple(slice(max(0, -d), mask.shape[a] - max(0, d)) for a, d in enumerate(offset))
    dst = tuple(slice(max(0, d), mask.shape[a] - max(0, -d)) for a, d in enumerate(offset))
    out[dst] = mask[src]
    return out


def drop_slices(mask, share, rng):
    """The mask with a run of its slices emptied (about `share` of the slices it covers)."""
    valid = np.flatnonzero(mask.any(axis=(0, 1)))
    out = mask.copy()
    if len(valid) < 2:
        return out
    count = max(1, int(round(len(valid) * share)))
    start = int(rng.integers(0, len(valid) - count + 1))
    out[:, :, valid[start:start + count]] = False
    return out


def neighbour_labels(labels, organ_label, reach=3):
    """Labels of the other organs within `reach` voxels of the organ, nearest contact first."""
    near = ndimage.binary_dilation(labels == organ_label, structure=disk(reach)) & (labels != organ_label)
    values, counts = np.unique(labels[near], return_counts=True)
    keep = values != 0
    return [int(v) for v in values[keep][np.argsort(-counts[keep])]]


def merge_neighbour(mask, labels, organ_label, rng):
    """The mask joined with (part of) a touching organ, as when an engine confuses the two."""
    neighbours = neighbour_labels(labels, organ_label)
    if not neighbours:
        return dilate(mask, 2)
    other = labels == neighbours[int(rng.integers(0, min(2, len(neighbours))))]
    if rng.random() < 0.5:
        # Only the part of the neighbour near the organ.
        other &= dilate(mask, int(rng.integers(3, 9)))
    return mask | other


def random_blob(shape, centre, radii):
    """A solid ellipsoid of the given voxel radii around `centre`."""
    grid = np.ogrid[tuple(slice(0, n) for n in shape)]
    distance = sum(((g - c) / max(r, 0.5)) ** 2 for g, c, r in zip(grid, centre, radii))
    return distance <= 1.0


def blob_centre(mask, rng, inside):
    """A random voxel of the mask (inside) or of a shell around it (outside)."""
    region = mask if inside else (dilate(mask, 6) & ~mask)
    points = np.argwhere(region)
    if len(points) == 0:
        points = np.argwhere(mask)
    return points[int(rng.integers(0, len(points)))] if len(points) else None


def add_blobs(mask, rng, count, scale):
    """The mask with `count` ellipsoid blobs added next to it (false positives)."""
    out = mask.copy()
    for _ in range(count):
        radii = rng.uniform(0.5, 1.0, size=3) * scale
        centre = blob_centre(mask, rng, inside=False)
        if centre is not None:
            out |= random_blob(mask.shape, centre, radii)
    return out


def cut_blobs(mask, rng, count, scale):
    """The mask with `count` ellipsoid blobs cut out of it (false negatives)."""
    out = mask.copy()
    for _ in range(count):
        radii = rng.uniform(0.5, 1.0, size=3) * scale
        centre = blob_centre(mask, rng, inside=True)
        if centre is not None:
            out &= ~random_blob(mask.shape, centre, radii)
    return out


def organ_radius(mask):
    """A typical in-plane radius of the organ in voxels (from its mean slice area)."""
    areas = mask.sum(axis=(0, 1))
    areas = areas[areas > 0]
    return float(np.sqrt(areas.mean() / np.pi)) if len(areas) else 1.0


def skewed_int(rng, high):
    """An integer in 1..high, small values favoured (ceil(high * u^2)): mild degradations,
    which good pseudo labels resemble, are as common as severe ones are easy."""
    return max(1, int(np.ceil(high * rng.random() ** 2)))


# The degradation kinds random_degradation draws from, with their weights.
DEGRADATIONS = {
    "erode": 3, "dilate": 3, "shift": 2, "drop_slices": 1, "merge_neighbour": 1,
    "add_blobs": 1, "cut_blobs": 1,
}


def apply_degradation(kind, mask, labels, organ_label, rng):
    """One degradation of a drawn strength; returns (mask, description)."""
    size = organ_radius(mask)
    if kind in ("erode", "dilate"):
        radius = skewed_int(rng, max(2, int(round(size * 0.6))))
        return (erode if kind == "erode" else dilate)(mask, radius), f"{kind} r={radius}"
    if kind == "shift":
        reach = skewed_int(rng, max(1, int(round(size * 0.8))))
        offset = (int(rng.integers(-reach, reach + 1)), int(rng.integers(-reach, reach + 1)), int(rng.integers(-2, 3)))
        return shift(mask, offset), f"shift {offset}"
    if kind == "drop_slices":
        share = float(rng.uniform(0.1, 0.6))
        return drop_slices(mask, share, rng), f"drop_slices {share:.2f}"
    if kind == "merge_neighbour":
        return merge_neighbour(mask, labels, organ_label, rng), "merge_neighbour"
    count = int(rng.integers(1, 4))
    scale = size * float(rng.uniform(0.4, 1.2))
    blobs = add_blobs if kind == "add_blobs" else cut_blobs
    return blobs(mask, rng, count, scale), f"{kind} n={count} s={scale:.1f}"


def random_degradation(mask, labels, organ_label, rng, max_ops=2):
    """One to `max_ops` random degradations in a row; returns (mask, description)."""
    kinds = list(DEGRADATIONS)
    weights = np.array([DEGRADATIONS[k] for k in kinds], dtype=float)
    out, steps = mask, []
    for _ in range(int(rng.integers(1, max_ops + 1))):
        if not out.any():
            break
        kind = kinds[int(rng.choice(len(kinds), p=weights / weights.sum()))]
        out, text = apply_degradation(kind, out, labels, organ_label, rng)
        steps.append(text)
    return out, "; ".join(steps)
