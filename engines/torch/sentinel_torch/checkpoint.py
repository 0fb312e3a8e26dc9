"""The torch engine's checkpoint: one torch.save file holding the network's settings and
weights, the class map and channel order, the preprocessing and the training record."""

import os

import torch

from .contract import EngineError

FORMAT = "sentinel-torch-checkpoint/1"


def save_checkpoint(path, checkpoint):
    """Writes the checkpoint next to its destination, then renames it into place."""
    temporary = f"{path}.{os.getpid()}.tmp"
    try:
        torch.save({"format": FORMAT, **checkpoint}, temporary)
    except OSError as error:
        raise EngineError(f"cannot write checkpoint {path}: {error.strerror}") from None
    os.replace(temporary, path)


def read_torch_file(path):
    """Loads any torch file on the CPU; an EngineError when it is not one."""
    try:
        return torch.load(path, map_location="cpu")
    except Exception as error:  # torch raises many types for a file that is not a checkpoint
        raise EngineError(f"cannot load checkpoint {path}: {error}") from None


def is_engine_checkpoint(value):
    """True for a checkpoint written by this engine (as opposed to foreign weights)."""
    return isinstance(value, dict) and value.get("format") == FORMAT


def load_checkpoint(path):
    """Loads a checkpoint of this engine; an EngineError for anything else."""
    value = read_torch_file(path)
    if not is_engine_checkpoint(value):
        raise EngineError(f"{path} is not a torch-engine checkpoint ({FORMAT}); train one first or give it as training.pretrained")
    return value
