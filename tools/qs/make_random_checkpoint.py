"""Saves a QS network with seeded random weights as a checkpoint, for tests and parity checks.

  /usr/bin/python3 tools/qs/make_random_checkpoint.py --out FILE.pth [--backbone resnet18|resnet18-wN]
      [--seed 0] [--embedding-size 512] [--module-prefix] [--wrap state_dict] [--probe DIR]

BatchNorm statistics are calibrated on a random batch (outputs of order 1, as a trained net). --probe DIR
writes a few random inputs with torch's outputs (image.f32 [N,2,S,S], embedding.f32 [N,E],
dice.f32 [N], probe.json with N, S, E) for checking an export. Prints a JSON summary.
"""

import argparse
import json
import os
import sys

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from checkpoint import BACKBONE_NAMES, build_qs_network  # noqa: E402
from network import calibrate_batchnorm  # noqa: E402
from tool_error import ToolError, run_main  # noqa: E402


def write_probe(model, directory, size, embedding_size, seed, count=3):
    """Random inputs and torch's outputs for them, as raw little-endian float32 files."""
    os.makedirs(directory, exist_ok=True)
    rng = np.random.default_rng(seed + 1)
    image = rng.standard_normal((count, 2, size, size)).astype(np.float32)
    embedding = rng.standard_normal((count, embedding_size)).astype(np.float32)
    with torch.no_grad():
        dice = model(torch.from_numpy(image), torch.from_numpy(embedding)).numpy().reshape(-1)
    image.astype("<f4").tofile(os.path.join(directory, "image.f32"))
    embedding.astype("<f4").tofile(os.path.join(directory, "embedding.f32"))
    dice.astype("<f4").tofile(os.path.join(directory, "dice.f32"))
    with open(os.path.join(directory, "probe.json"), "w", encoding="utf-8") as handle:
        json.dump({"n": count, "size": size, "embeddingSize": embedding_size}, handle)


def main():
    parser = argparse.ArgumentParser(description="Save a randomly initialised QS network.")
    parser.add_argument("--out", required=True)
    parser.add_argument("--backbone", default="resnet18", help=f"one of {BACKBONE_NAMES}")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--embedding-size", type=int, default=512)
    parser.add_argument("--module-prefix", action="store_true", help="prefix keys with `module.` (DataParallel)")
    parser.add_argument("--wrap", default=None, help="nest the state_dict under this key, e.g. state_dict")
    parser.add_argument("--probe", default=None, help="folder for random inputs and torch outputs")
    parser.add_argument("--probe-size", type=int, default=256)
    args = parser.parse_args()

    try:
        model = build_qs_network(args.backbone, args.embedding_size, seed=args.seed)
    except ValueError:
        raise ToolError(f"unknown backbone {args.backbone!r}; valid: {BACKBONE_NAMES}") from None
    for network in getattr(model, "members", [model]):  # an ensemble's members one by one
        calibrate_batchnorm(network, args.seed)
    state_dict = model.state_dict()
    if args.module_prefix:
        state_dict = {f"module.{k}": v for k, v in state_dict.items()}
    checkpoint = {args.wrap: state_dict, "epoch": 0} if args.wrap else state_dict
    torch.save(checkpoint, args.out)
    if args.probe:
        write_probe(model, args.probe, args.probe_size, args.embedding_size, args.seed)
    print(json.dumps({"out": args.out, "backbone": args.backbone, "keys": len(state_dict),
                      "prefix": "module." if args.module_prefix else "", "wrap": args.wrap}))


if __name__ == "__main__":
    run_main(main)
