"""The QS bundle of a model trained on phantoms: the 9 phantom organs with fixed one-hot
condition vectors, TotalSegmentator and other common organ names as aliases, the preprocessing
it was trained with (docs/qs-bundle.md), written with the exporter's own ONNX and manifest code."""

import datetime
import os

import numpy as np
import torch

from bundle import BUNDLE_FORMAT, OFFICIAL_PREPROCESSING, normalise_name, sha256_file, write_manifest
from onnx_export import OPSET, export_onnx, verify_onnx
from phantom_engine import PHANTOM_CLASSES
from tool_error import ToolError

# Other names of the phantom organs in common datasets (TotalSegmentator names are the class
# names themselves): AbdomenAtlas "postcava", BTCV-style "left kidney", MSD-style "gall_bladder".
EXTRA_ALIASES = {
    "postcava": 9, "ivc": 9, "inferior vena cava": 9, "gall_bladder": 6, "gall bladder": 6,
    "left_kidney": 3, "left kidney": 3, "kidney_l": 3, "right_kidney": 4, "right kidney": 4, "kidney_r": 4,
}

TOLERANCE = 1e-4


def one_hot_table(embedding_size):
    """{label: float32[E]}: the one-hot vector of each phantom class (row label - 1), zero padded."""
    if embedding_size < len(PHANTOM_CLASSES):
        raise ToolError(f"embedding size {embedding_size} is below the {len(PHANTOM_CLASSES)} classes")
    table = {}
    for label in PHANTOM_CLASSES:
        vector = np.zeros(embedding_size, dtype=np.float32)
        vector[label - 1] = 1.0
        table[label] = vector
    return table


def phantom_classes(table):
    """The manifest class entries, sorted by label."""
    return [{"label": label, "name": name, "key": normalise_name(name),
             "embedding": [float(x) for x in table[label]]} for label, name in sorted(PHANTOM_CLASSES.items())]


def phantom_aliases():
    """TotalSegmentator names (exact) and the extra aliases -> label."""
    aliases = {name: label for label, name in PHANTOM_CLASSES.items()}
    aliases.update(EXTRA_ALIASES)
    return aliases


def write_phantom_bundle(model, out, name, backbone, input_size, table, provenance, verify=True):
    """Exports the model to OUT/model.onnx, checks it against torch, writes OUT/manifest.json."""
    os.makedirs(out, exist_ok=True)
    model.eval()
    embedding_size = len(next(iter(table.values())))
    model_path = os.path.join(out, "model.onnx")
    export_onnx(model, model_path, input_size, embedding_size)
    verification = None
    if verify:
        rows = np.stack([table[label] for label in sorted(table)])
        diff = verify_onnx(model, model_path, input_size, rows)
        if not diff <= TOLERANCE:
            raise ToolError(f"ONNX export differs from torch by {diff:.3g} (> {TOLERANCE})")
        verification = {"maxAbsDiff": diff, "batch": 4, "runtime": "onnxruntime-node"}
    manifest = {
        "format": BUNDLE_FORMAT, "name": name, "backbone": backbone, "modelFile": "model.onnx",
        "modelSha256": sha256_file(model_path), "inputSize": input_size, "embeddingSize": embedding_size,
        **OFFICIAL_PREPROCESSING,
        "aliases": phantom_aliases(),
        "provenance": {
            **provenance,
            "exportedAt": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z"),
            "torchVersion": torch.__version__, "onnxOpset": OPSET, "verification": verification,
        },
        "classes": phantom_classes(table),
    }
    write_manifest(out, manifest)
    return manifest
