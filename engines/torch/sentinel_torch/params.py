"""The torch engine's settings, read from a request's `params` (the engine part of a config,
given to train and predict alike). Every field has a default; an unknown field is an error so
that a typo is not silently ignored. Defaults that depend on the network are marked so."""

import math
import os

from .contract import EngineError

NETWORKS = ("unet", "swinunetr")

# Per-network defaults: the small U-Net for CPU phantoms, SwinUNETR as MONAI's BTCV recipe.
_NETWORK_DEFAULTS = {
    "unet": {"patchSize": [48, 48, 32], "learningRate": 1e-2},
    "swinunetr": {"patchSize": [96, 96, 96], "learningRate": 1e-4},
}

# name -> (kind, default); kinds are checked by _check_value.
_FIELDS = {
    # Which network: the small torch-only 3D U-Net or MONAI's SwinUNETR.
    "network": ("network", "unet"),
    # unet: channels of the first level (doubled per level, 3 levels); normalisation layers.
    "features": ("int+", 8),
    "norm": (("batch", "instance"), "batch"),
    # swinunetr: feature_size (a multiple of 12).
    "featureSize": ("int+", 48),
    # Dropout rate (unet: before the last convolution; swinunetr: drop_rate), used for MC dropout.
    "dropRate": ("rate", 0.2),
    # Weights the user supplies (e.g. MONAI's pretrained SwinUNETR), loaded before training
    # when the request has no init checkpoint of this engine. Relative to the engine's cwd.
    "pretrainedWeights": ("path?", None),
    # Target voxel spacing in mm (x, y, z in RAS) or null to keep each image's own spacing.
    "spacing": ("spacing?", None),
    # HU window scaled to 0..1 (clipped), as MONAI's SwinUNETR recipes.
    "huWindow": ("window", [-175.0, 250.0]),
    # Training and sliding-window patch, voxels (x, y, z); default per network.
    "patchSize": ("patch", None),
    # Training: optimiser steps, patches per step, AdamW learning rate and weight decay.
    "steps": ("int+", 250),
    "batchSize": ("int+", 2),
    "learningRate": ("float+", None),
    "weightDecay": ("float0", 1e-5),
    # Training: share of patches centred on a foreground voxel (of a class drawn uniformly).
    "foregroundRatio": ("rate1", 0.5),
    # Training: random intensity scale and shift (MONAI RandScaleIntensity/RandShiftIntensity).
    "augment": ("bool", True),
    # Training: print the loss every this many steps.
    "logEvery": ("int+", 50),
    # Prediction: sliding-window overlap (0 <= overlap < 1), blending and windows per forward.
    "overlap": ("overlap", 0.5),
    "blending": (("gaussian", "constant"), "gaussian"),
    "windowBatchSize": ("int+", 2),
    # Prediction: write .nii.gz (true) or .nii.
    "compress": ("bool", True),
    # CPU threads for torch (0 = torch's default), device, deterministic algorithms.
    "threads": ("int0", 0),
    "device": (("auto", "cpu", "cuda"), "auto"),
    "deterministic": ("bool", True),
}

_PATCH_MULTIPLE = {"unet": 4, "swinunetr": 32}


def patch_problem(network, patch):
    """Why a patch cannot go through the network, or None. Measured with MONAI 1.3.2: SwinUNETR
    halves the input 5 times, so each dimension must be a multiple of 32, and its 1/32
    bottleneck must hold more than one voxel (InstanceNorm: "Expected more than 1 spatial
    element"): 64^3 and 64x32x32 work, 32^3 fails. The same rule is in the orchestrator
    (src/engine/torch-patch-rule.ts), checked at config load and by engine-check."""
    multiple = _PATCH_MULTIPLE[network]
    if any(size % multiple for size in patch):
        return f"{network} needs multiples of {multiple} in each patch dimension, got {patch}"
    if network == "swinunetr" and math.prod(size // 32 for size in patch) <= 1:
        return (
            f"swinunetr needs a 1/32 bottleneck of more than one voxel (InstanceNorm needs more than 1 "
            f"spatial element), got {patch} (bottleneck 1x1x1); use e.g. [64, 64, 64]"
        )
    return None


def parse_params(raw):
    """Returns the params with defaults filled in; raises an EngineError naming a bad field."""
    unknown = sorted(set(raw) - set(_FIELDS))
    if unknown:
        raise EngineError(f"unknown engine parameter params.{unknown[0]} (valid: {', '.join(sorted(_FIELDS))})")
    params = {}
    for name, (kind, default) in _FIELDS.items():
        value = raw.get(name, default)
        params[name] = value if value is None else _check_value(name, kind, value)
    defaults = _NETWORK_DEFAULTS[params["network"]]
    for name, value in defaults.items():
        if params[name] is None:
            params[name] = value
    problem = patch_problem(params["network"], params["patchSize"])
    if problem:
        raise EngineError(f"bad engine parameter params.patchSize: {problem}")
    if params["network"] == "swinunetr" and params["featureSize"] % 12:
        raise EngineError(f"bad engine parameter params.featureSize: SwinUNETR needs a multiple of 12, got {params['featureSize']}")
    return params


def _bad(name, what, value):
    raise EngineError(f"bad engine parameter params.{name}: expected {what}, got {value!r}")


def _is_number(value):
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def _check_value(name, kind, value):
    if isinstance(kind, tuple):
        if value not in kind:
            _bad(name, f"one of {', '.join(kind)}", value)
        return value
    if kind == "network":
        if value not in NETWORKS:
            raise EngineError(f"unknown network {value!r} in params.network (valid: {', '.join(NETWORKS)})")
        return value
    if kind in ("int+", "int0"):
        if isinstance(value, bool) or not isinstance(value, int) or value < (1 if kind == "int+" else 0):
            _bad(name, "a positive integer" if kind == "int+" else "a non-negative integer", value)
        return value
    if kind == "bool":
        if not isinstance(value, bool):
            _bad(name, "true or false", value)
        return value
    if kind in ("float+", "float0"):
        if not _is_number(value) or value < 0 or (kind == "float+" and value == 0):
            _bad(name, "a positive number", value)
        return float(value)
    if kind in ("rate", "rate1", "overlap"):
        top = {"rate": 0.9, "rate1": 1.0, "overlap": 0.95}[kind]
        if not _is_number(value) or not 0 <= value <= top:
            _bad(name, f"a number in 0..{top}", value)
        return float(value)
    if kind == "path?":
        if not isinstance(value, str) or not value:
            _bad(name, "a file path", value)
        return os.path.abspath(value)
    if kind in ("spacing?", "patch"):
        ok = isinstance(value, list) and len(value) == 3
        ok = ok and all(_is_number(v) and v > 0 and (kind != "patch" or isinstance(v, int)) for v in value)
        if not ok:
            _bad(name, "three positive " + ("integers" if kind == "patch" else "numbers"), value)
        return [float(v) for v in value] if kind == "spacing?" else list(value)
    if kind == "window":
        if not (isinstance(value, list) and len(value) == 2 and all(_is_number(v) for v in value) and value[0] < value[1]):
            _bad(name, "[low, high] HU with low < high", value)
        return [float(v) for v in value]
    raise AssertionError(f"unhandled kind {kind}")
