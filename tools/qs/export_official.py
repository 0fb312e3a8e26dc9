"""Exports the authors' Quality Sentinel checkpoint to a QS bundle (docs/qs-bundle.md).

  /usr/bin/python3 tools/qs/export_official.py --checkpoint best_resnet50_model_40_samples.pth \
      --embeddings label_embedding.pkl --labels DAP_Atlas_label_name.csv --out DIR \
      [--backbone resnet50] [--aliases totalsegmentator_v1_to_dap.json]

Loads on the CPU, accepts a `module.` prefix and a wrapped state_dict, writes DIR/model.onnx and
DIR/manifest.json, then checks the ONNX against torch on random inputs with onnxruntime-node and
prints the max abs diff (failing above 1e-4).
"""

import argparse
import datetime
import os
import sys

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from bundle import (  # noqa: E402
    BUNDLE_FORMAT, OFFICIAL_PREPROCESSING, make_classes, read_aliases, read_class_names,
    read_label_embeddings, require_file, sha256_file, write_manifest,
)
from checkpoint import load_network  # noqa: E402
from network import BACKBONE_FEATURES  # noqa: E402
from onnx_export import OPSET, export_onnx, verify_onnx  # noqa: E402
from tool_error import ToolError, run_main  # noqa: E402

TOOL_VERSION = "1"
INPUT_SIZE = 256
TOLERANCE = 1e-4
DEFAULT_ALIASES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "totalsegmentator_v1_to_dap.json")


def parse_args(argv):
    """The exporter's command line."""
    parser = argparse.ArgumentParser(description="Export the official Quality Sentinel checkpoint to a QS bundle.")
    parser.add_argument("--checkpoint", required=True, help="the .pth file (state_dict, possibly wrapped or `module.`-prefixed)")
    parser.add_argument("--embeddings", required=True, help="label_embedding.pkl from the authors' repository")
    parser.add_argument("--labels", required=True, help="DAP_Atlas_label_name.csv from the authors' repository")
    parser.add_argument("--out", required=True, help="bundle folder to write (created if needed)")
    parser.add_argument("--backbone", default="resnet50", choices=sorted(BACKBONE_FEATURES))
    parser.add_argument("--aliases", default=DEFAULT_ALIASES, help="organ name -> label JSON (default: the authors' TotalSegmentator v1 map)")
    parser.add_argument("--name", default=None, help="bundle name (default: quality-sentinel-official-BACKBONE)")
    parser.add_argument("--skip-verify", action="store_true", help="do not check the ONNX with onnxruntime-node")
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    for path, what in ((args.checkpoint, "checkpoint"), (args.embeddings, "embeddings file"), (args.labels, "label name csv"), (args.aliases, "alias map")):
        require_file(path, what)
    names = read_class_names(args.labels)
    embeddings = read_label_embeddings(args.embeddings)
    classes = make_classes(names, embeddings)
    aliases = read_aliases(args.aliases, {c["label"] for c in classes})
    embedding_size = len(classes[0]["embedding"])
    model = load_network(args.checkpoint, args.backbone, embedding_size)

    os.makedirs(args.out, exist_ok=True)
    model_path = os.path.join(args.out, "model.onnx")
    export_onnx(model, model_path, INPUT_SIZE, embedding_size)
    verification = None
    if not args.skip_verify:
        table = np.stack([np.asarray(c["embedding"], dtype=np.float32) for c in classes])
        diff = verify_onnx(model, model_path, INPUT_SIZE, table)
        print(f"onnx vs torch: max abs diff {diff:.3g} on 4 random inputs")
        if not diff <= TOLERANCE:
            raise ToolError(f"ONNX export differs from torch by {diff:.3g} (> {TOLERANCE}); the bundle in {args.out} is not usable")
        verification = {"maxAbsDiff": diff, "batch": 4, "runtime": "onnxruntime-node"}

    manifest = {
        "format": BUNDLE_FORMAT,
        "name": args.name or f"quality-sentinel-official-{args.backbone}",
        "backbone": args.backbone,
        "modelFile": "model.onnx",
        "modelSha256": sha256_file(model_path),
        "inputSize": INPUT_SIZE,
        "embeddingSize": embedding_size,
        **OFFICIAL_PREPROCESSING,
        "aliases": aliases,
        "provenance": {
            "source": "official Quality Sentinel checkpoint (Schuture/Quality-Sentinel)",
            "checkpointFile": os.path.basename(args.checkpoint),
            "checkpointSha256": sha256_file(args.checkpoint),
            "embeddingsSha256": sha256_file(args.embeddings),
            "labelsSha256": sha256_file(args.labels),
            "aliasesSha256": sha256_file(args.aliases),
            "exportedAt": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z"),
            "tool": "tools/qs/export_official.py",
            "toolVersion": TOOL_VERSION,
            "torchVersion": torch.__version__,
            "onnxOpset": OPSET,
            "verification": verification,
        },
        "classes": classes,
    }
    write_manifest(args.out, manifest)
    print(f"wrote {args.out}/model.onnx and {args.out}/manifest.json ({len(classes)} classes, {len(aliases)} aliases)")
    return 0


if __name__ == "__main__":
    run_main(main)
