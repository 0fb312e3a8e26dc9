"""Pseudo labels of one phantom: the engine checkpoints' label maps and random degradations of
the true masks (or, sometimes, of an engine's mask), organ by organ."""

import os

import numpy as np

from degrade import dilate, erode, random_degradation
from phantom_engine import PHANTOM_CLASSES, make_phantoms, pseudo_label_sets
from preprocess import read_volume


def parse_phantom_sets(text):
    """Parses "SEED:COUNT:LABELED:NXxNYxNZ,..." into [{seed, count, labeled, size}]."""
    sets = []
    for item in text.split(","):
        parts = item.strip().split(":")
        if len(parts) != 4:
            raise ValueError(f"phantom set {item!r} is not SEED:COUNT:LABELED:SIZE")
        sets.append({"seed": int(parts[0]), "count": int(parts[1]), "labeled": int(parts[2]), "size": parts[3]})
    return sets


def prepare_phantom_sets(sets, steps_list, engine_seed, work):
    """Makes each set's phantoms and engine pseudo labels; returns [case] with `set`,
    `predictions` ({steps: mask path}) added."""
    cases = []
    for spec in sets:
        name = f"phantoms-seed{spec['seed']}-{spec['size']}"
        folder = os.path.join(work, name)
        made = make_phantoms(folder, spec["seed"], spec["count"], spec["labeled"], spec["size"])
        label_sets = pseudo_label_sets(made, steps_list, engine_seed, os.path.join(work, f"engine-{name}"))
        for case in made:
            case["set"] = name
            case["predictions"] = {s["steps"]: s["masks"][case["id"]] for s in label_sets}
            cases.append(case)
    return cases


def dice_3d(a, b):
    """The 3D Dice of two boolean masks (NaN when both are empty)."""
    total = int(a.sum()) + int(b.sum())
    return 2.0 * float(np.logical_and(a, b).sum()) / total if total else float("nan")


def fine_variants(truth, radii):
    """The true mask itself and its in-plane erosion and dilation by each radius: [(name, mask)]
    (an erosion that leaves nothing is left out). They teach the network that a mask a voxel too
    small or too large scores below the exact one, slice by slice, small end slices included."""
    variants = [("truth", truth)]
    for radius in radii:
        eroded = erode(truth, radius)
        if eroded.any():
            variants.append((f"erode r={radius}", eroded))
        variants.append((f"dilate r={radius}", dilate(truth, radius)))
    return variants


def case_mask_sources(case, degradations, rng, degrade_prediction_share=0.25, fine_radii=()):
    """Yields (source, organ label, predicted mask, true mask) for every organ of a case:
    first each engine prediction, then `degradations` random degradations per organ, each of
    the true mask or (with degrade_prediction_share) of a random engine prediction, then (when
    fine_radii is not empty) the true mask and its erosion and dilation by each of fine_radii."""
    truth_labels = read_volume(case["label"])
    predictions = {steps: read_volume(path) for steps, path in sorted(case["predictions"].items())}
    for steps, labels in predictions.items():
        for label in PHANTOM_CLASSES:
            yield f"engine-steps{steps}", label, labels == label, truth_labels == label
    step_keys = list(predictions)
    for label in PHANTOM_CLASSES:
        truth = truth_labels == label
        if not truth.any():
            continue
        for index in range(degradations):
            if step_keys and rng.random() < degrade_prediction_share:
                steps = step_keys[int(rng.integers(0, len(step_keys)))]
                base, base_name, base_labels = predictions[steps] == label, f"engine-steps{steps}", predictions[steps]
                if not base.any():
                    base, base_name, base_labels = truth, "truth", truth_labels
            else:
                base, base_name, base_labels = truth, "truth", truth_labels
            mask, text = random_degradation(base, base_labels, label, rng)
            yield f"degrade{index}({base_name}: {text})", label, mask, truth
        for name, mask in fine_variants(truth, fine_radii) if fine_radii else ():
            yield f"fine({name})", label, mask, truth
