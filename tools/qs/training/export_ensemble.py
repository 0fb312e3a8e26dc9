"""Exports several trained small QS networks as ONE QS bundle whose `dice` is their mean.

  /usr/bin/python3 tools/qs/training/export_ensemble.py --out models/qs-phantom \
      --member resnet18-w24:A.pth --member resnet18-w16:B.pth \
      [--member-bundle A-BUNDLE --member-bundle B-BUNDLE] [--input-size 64] [--name N]

Each --member is BACKBONE:STATE_DICT (a state_dict written by train.py). The members run side by
side in one ONNX graph with the same inputs (`image` [N,2,S,S], `embedding` [N,E]) and output
(`dice` [N,1] = mean of the members' outputs), so the bundle format and the TypeScript strategy
are unchanged. As an organ score is the mean of its slice outputs, the ensemble's organ score is
exactly the mean of the members' organ scores. Each member's training provenance is copied from
the bundle train.py exported it to, when --member-bundle names it (in --member order).
"""

import argparse
import hashlib
import json
import os
import sys

import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path[:0] = [HERE, os.path.dirname(HERE)]

from checkpoint import AveragingQualitySentinelNet  # noqa: E402
from phantom_bundle import one_hot_table, write_phantom_bundle  # noqa: E402
from small_network import build_small_network, parameter_count  # noqa: E402
from tool_error import ToolError, run_main  # noqa: E402

TOOL_VERSION = "1"


def parse_args(argv):
    """The exporter's command line."""
    p = argparse.ArgumentParser(description="Export small QS networks as one averaging QS bundle.")
    p.add_argument("--out", required=True, help="bundle folder to write (model.onnx, manifest.json)")
    p.add_argument("--member", action="append", required=True, help="BACKBONE:STATE_DICT, one per member (2 or more)")
    p.add_argument("--member-bundle", action="append", default=[], help="the bundle each member was exported to by train.py (its manifest's training provenance is copied), in --member order")
    p.add_argument("--input-size", type=int, default=64)
    p.add_argument("--embedding-size", type=int, default=16)
    p.add_argument("--name", default="sentinel-qs-phantom")
    p.add_argument("--skip-verify", action="store_true", help="do not check the ONNX with onnxruntime-node")
    return p.parse_args(argv)


def parse_member(text):
    """BACKBONE:PATH -> (backbone, path), with a clear error for a malformed or missing member."""
    backbone, sep, path = text.partition(":")
    if not sep or not backbone or not path:
        raise ToolError(f"--member {text!r} is not BACKBONE:STATE_DICT (e.g. resnet18-w16:best.pth)")
    if not os.path.isfile(path):
        raise ToolError(f"--member {text!r}: {path} not found")
    return backbone, path


def load_member(backbone, path, embedding_size):
    """A small QS network with the weights of a state_dict, in eval mode."""
    try:
        model = build_small_network(backbone, embedding_size)
    except ValueError as error:
        raise ToolError(str(error)) from None
    state = torch.load(path, map_location="cpu")
    try:
        model.load_state_dict(state)
    except RuntimeError as error:
        lines = [line.strip() for line in str(error).strip().splitlines()]
        first = next((line for line in lines[1:] if line), lines[0])  # the first mismatch
        raise ToolError(f"{path} is not a {backbone} state_dict with embedding size {embedding_size}: {first}") from None
    return model.eval()


def member_provenance(backbone, path, bundle):
    """What the manifest records of one member: backbone, weights hash, its training."""
    with open(path, "rb") as handle:
        entry = {"backbone": backbone, "checkpointFile": os.path.basename(path),
                 "checkpointSha256": hashlib.sha256(handle.read()).hexdigest()}
    if bundle:
        with open(os.path.join(bundle, "manifest.json"), encoding="utf-8") as handle:
            training = json.load(handle).get("provenance", {}).get("training")
        if training:
            entry["training"] = {k: v for k, v in training.items() if k != "history"}
    return entry


def main(argv=None):
    args = parse_args(argv)
    members = [parse_member(m) for m in args.member]
    if len(members) < 2:
        raise ToolError("an ensemble needs 2 or more --member")
    if args.member_bundle and len(args.member_bundle) != len(members):
        raise ToolError(f"{len(args.member_bundle)} --member-bundle for {len(members)} --member")
    bundles = args.member_bundle or [None] * len(members)
    model = AveragingQualitySentinelNet([load_member(b, p, args.embedding_size) for b, p in members]).eval()
    backbone = "ensemble(" + ",".join(b for b, _ in members) + ")"
    provenance = {
        "source": "trained by the project on synthetic phantoms (tools/qs/training/train.py), "
                  "averaged in one graph by tools/qs/training/export_ensemble.py",
        "tool": "tools/qs/training/export_ensemble.py", "toolVersion": TOOL_VERSION,
        "ensemble": {"output": "mean of the members' outputs", "parameters": parameter_count(model),
                     "members": [member_provenance(b, p, d) for (b, p), d in zip(members, bundles)]},
    }
    table = one_hot_table(args.embedding_size)
    write_phantom_bundle(model, args.out, args.name, backbone, args.input_size, table, provenance,
                         verify=not args.skip_verify)
    size = os.path.getsize(os.path.join(args.out, "model.onnx"))
    print(f"wrote {args.out}/model.onnx ({size / 1e6:.1f} MB, {len(members)} members: {backbone}) and manifest.json")
    return 0


if __name__ == "__main__":
    run_main(main)
