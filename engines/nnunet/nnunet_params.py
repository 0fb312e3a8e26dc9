"""The nnU-Net adapter's settings (a request's `params`), with defaults; an unknown field is
an error so that a typo is not silently ignored."""

import os
import re

from sentinel_torch.contract import EngineError

# name -> (check, default)
_FIELDS = {
    # nnU-Net configuration, trainer class and plans identifier (as on nnUNetv2_train's argv).
    "configuration": ("name", "3d_fullres"),
    "trainer": ("name", "nnUNetTrainer"),
    "plans": ("name", "nnUNetPlans"),
    # Folds to predict with (an ensemble when several); default: every fold_* in the checkpoint.
    "folds": ("folds", None),
    # The fold trained by `train` ("all" = every training case, no validation split).
    "trainFold": ("fold", "all"),
    # The checkpoint file inside each fold folder.
    "checkpointName": ("name", "checkpoint_final.pth"),
    # -device of nnU-Net: cuda, cpu or mps.
    "device": (("cuda", "cpu", "mps"), "cuda"),
    # Sliding-window step (nnU-Net's -step_size) and test-time mirroring.
    "stepSize": ("step", 0.5),
    "disableTta": ("bool", False),
    # Worker processes for preprocessing and export (-npp, -nps; -np for preprocessing).
    "processes": ("int", 2),
    # The numeric id of the temporary nnU-Net dataset the adapter lays out for training.
    "datasetId": ("id", 990),
    # A folder holding the nnUNetv2_* programs (e.g. a virtualenv's bin/); default: PATH.
    "binDir": ("dir", None),
}


def parse_nnunet_params(raw):
    """Returns the params with defaults; an EngineError for an unknown or bad field."""
    unknown = sorted(set(raw) - set(_FIELDS))
    if unknown:
        raise EngineError(f"unknown nnU-Net adapter parameter params.{unknown[0]} (valid: {', '.join(sorted(_FIELDS))})")
    params = {}
    for name, (check, default) in _FIELDS.items():
        value = raw.get(name, default)
        params[name] = value if value is None else _check(name, check, value)
    return params


def _bad(name, what, value):
    raise EngineError(f"bad nnU-Net adapter parameter params.{name}: expected {what}, got {value!r}")


def _check(name, check, value):
    if isinstance(check, tuple):
        if value not in check:
            _bad(name, f"one of {', '.join(check)}", value)
    elif check == "name":
        if not isinstance(value, str) or not re.fullmatch(r"[A-Za-z0-9_.\-]+", value):
            _bad(name, "a name of letters, digits, '_', '-', '.'", value)
    elif check == "fold":
        if not (value == "all" or (isinstance(value, int) and not isinstance(value, bool) and value >= 0)):
            _bad(name, '"all" or a fold number', value)
    elif check == "folds":
        if not isinstance(value, list) or not value or any(not (f == "all" or (isinstance(f, int) and f >= 0)) for f in value):
            _bad(name, 'a list of fold numbers or "all"', value)
    elif check == "step":
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 < value <= 1:
            _bad(name, "a number in (0, 1]", value)
    elif check == "bool":
        if not isinstance(value, bool):
            _bad(name, "true or false", value)
    elif check in ("int", "id"):
        top = 999 if check == "id" else 64
        if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= top:
            _bad(name, f"a whole number 1..{top}", value)
    elif check == "dir":
        if not isinstance(value, str) or not os.path.isdir(value):
            _bad(name, "an existing folder", value)
        return os.path.abspath(value)
    return value
