"""Seeds, determinism, threads and device: set once per engine run from the params."""

import os
import random
import zlib

import numpy as np
import torch

from .contract import EngineError


def setup_runtime(params, seed):
    """Seeds python, numpy and torch, asks torch for deterministic algorithms where it has
    them, sets the CPU threads, and returns the device to run on."""
    if params["deterministic"]:
        # cuBLAS needs this before its first use to be deterministic.
        os.environ.setdefault("CUBLAS_WORKSPACE_CONFIG", ":4096:8")
        torch.use_deterministic_algorithms(True, warn_only=True)
        torch.backends.cudnn.benchmark = False
        torch.backends.cudnn.deterministic = True
    if params["threads"] > 0:
        torch.set_num_threads(params["threads"])
    seed_all(seed)
    if params["device"] == "cuda" and not torch.cuda.is_available():
        raise EngineError("params.device is cuda but this torch sees no CUDA device; use device: auto or cpu")
    use_cuda = params["device"] == "cuda" or (params["device"] == "auto" and torch.cuda.is_available())
    return torch.device("cuda" if use_cuda else "cpu")


def seed_all(seed):
    """Seeds python's random, numpy's global generator and torch (CPU and CUDA)."""
    random.seed(seed)
    np.random.seed(seed % 2**32)
    torch.manual_seed(seed)


def derived_seed(seed, *parts):
    """A 31-bit seed derived from a base seed and names or numbers (e.g. case id, sample)."""
    text = "/".join(str(part) for part in (seed, *parts))
    return zlib.crc32(text.encode("utf-8")) & 0x7FFFFFFF
