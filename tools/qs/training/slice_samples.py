"""Training samples as QS-INFERENCE.md "Training" makes them: a slice of a pseudo label, cropped
around the *predicted* mask with a random margin, labelled with the 2D Dice inside the crop.

Network inputs are made with the inference preprocessing of tools/qs/preprocess.py (HU window,
Pillow BILINEAR mode-F resize, normalisation), so training and inference see identical inputs;
only the crop box differs (random margins per axis instead of the fixed margin).
"""

import numpy as np

from preprocess import crop_box_margins, resize_pillow_bilinear, slice_plane, window_ct

# The smallest random margin, as the authors' dataset.py.
MIN_MARGIN = 10


def random_margins(mask2d, rng, reference):
    """Per-axis margins drawn from [10, max(10, (reference - extent) // 2)].

    The authors used reference = 256 on 512-pixel slices; `reference` is its analogue for the
    slice size at hand (see make_training_data.py, --margin-reference)."""
    rows = np.flatnonzero(mask2d.any(axis=1))
    cols = np.flatnonzero(mask2d.any(axis=0))
    margins = []
    for extent in (rows[-1] - rows[0], cols[-1] - cols[0]):
        high = max(MIN_MARGIN, (int(reference) - int(extent)) // 2)
        margins.append(int(rng.integers(MIN_MARGIN, high + 1)))
    return margins[0], margins[1]


def crop_dice(pred2d, truth2d, box):
    """The 2D Dice of prediction and truth inside the crop (0 when both are empty there)."""
    r0, r1, c0, c1 = box
    p = pred2d[r0:r1, c0:c1]
    t = truth2d[r0:r1, c0:c1]
    total = int(p.sum()) + int(t.sum())
    return 2.0 * float(np.logical_and(p, t).sum()) / total if total else 0.0


def network_input(ct2d, mask2d, box, params):
    """The network input [2, S, S] float32 of a crop, exactly as preprocess.preprocess_slice."""
    r0, r1, c0, c1 = box
    size = params["inputSize"]
    ct = resize_pillow_bilinear(window_ct(ct2d[r0:r1, c0:c1], params["huWindow"]), size)
    mask = resize_pillow_bilinear(mask2d[r0:r1, c0:c1].astype(np.float32), size)
    norm = params["normalisation"]
    ct = (ct - np.float32(norm["ct"]["mean"])) / np.float32(norm["ct"]["std"])
    mask = (mask - np.float32(norm["mask"]["mean"])) / np.float32(norm["mask"]["std"])
    return np.stack([ct, mask]).astype(np.float32)


def candidate_slices(pred, truth, min_overlap):
    """Slices (z) where the prediction overlaps the truth in >= min_overlap voxels, and the
    predicted slices with no overlap at all (false-positive slices)."""
    pred_area = pred.sum(axis=(0, 1))
    overlap = np.logical_and(pred, truth).sum(axis=(0, 1))
    good = np.flatnonzero(overlap >= min_overlap)
    empty = np.flatnonzero((pred_area > 0) & (overlap == 0))
    return good, empty


def draw_slice_crops(pred, truth, rng, count, options):
    """Up to `count` (z, box, dice) crops of one predicted organ mask against its truth.

    options: minOverlap, emptyShare (chance that a crop comes from a false-positive slice),
    marginReference, fixedMargin (None for random margins; an int for validation crops)."""
    good, empty = candidate_slices(pred, truth, options["minOverlap"])
    if len(good) == 0 and len(empty) == 0:
        return []
    crops = []
    for _ in range(count):
        use_empty = len(empty) > 0 and (len(good) == 0 or rng.random() < options["emptyShare"])
        pool = empty if use_empty else good
        z = int(pool[int(rng.integers(0, len(pool)))])
        p2d, t2d = slice_plane(pred, z), slice_plane(truth, z)
        if options["fixedMargin"] is None:
            margins = random_margins(p2d, rng, options["marginReference"])
        else:
            margins = (options["fixedMargin"], options["fixedMargin"])
        box = crop_box_margins(p2d, *margins)
        crops.append((z, box, crop_dice(p2d, t2d, box)))
    return crops
