"""Reading the official class files and writing a QS bundle manifest (docs/qs-bundle.md)."""

import csv
import hashlib
import io
import json
import os
import pickle
import re

import numpy as np
import torch

from tool_error import ToolError

# The manifest format this tool writes.
BUNDLE_FORMAT = "sentinel-qs-bundle/1"

# The preprocessing of QS-INFERENCE.md, as manifest fields.
OFFICIAL_PREPROCESSING = {
    "huWindow": [-200, 200],
    "normalisation": {"ct": {"mean": 0.5, "std": 0.25}, "mask": {"mean": 0.5, "std": 0.5}},
    "cropMargin": 20,
    "slicesPerOrgan": 10,
    "resize": "pillow-bilinear",
}


def normalise_name(name):
    """The matching key of an organ or class name: trimmed, lower case, `_` as space, one space."""
    return re.sub(r"\s+", " ", name.replace("_", " ")).strip().lower()


def sha256_file(path):
    """Lower-case hex SHA-256 of a file."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def require_file(path, what):
    """Raises a ToolError naming `what` when path is not a readable file."""
    if not os.path.isfile(path):
        raise ToolError(f"{what} not found: {path}")


def read_class_names(path):
    """Reads DAP_Atlas_label_name.csv into [(label, name)], names kept exactly (trailing spaces too)."""
    require_file(path, "label name csv")
    with open(path, newline="", encoding="utf-8-sig") as handle:
        rows = list(csv.reader(handle))
    if not rows or len(rows[0]) < 2 or rows[0][0].strip().lower() != "label":
        raise ToolError(f"{path} is not a label csv (expected a header 'Label, Name')")
    classes = []
    for number, row in enumerate(rows[1:], start=2):
        if not row:
            continue
        try:
            classes.append((int(row[0]), ",".join(row[1:])))
        except ValueError:
            raise ToolError(f"{path} line {number}: label {row[0]!r} is not an integer") from None
    return classes


class CpuUnpickler(pickle.Unpickler):
    """Unpickles torch tensors onto the CPU even when they were pickled from a GPU."""

    def find_class(self, module, name):
        if module == "torch.storage" and name == "_load_from_bytes":
            return lambda data: torch.load(io.BytesIO(data), map_location="cpu")
        return super().find_class(module, name)


def read_label_embeddings(path):
    """Reads label_embedding.pkl (dict label -> tensor [1, E]) into {label: float32[E]}."""
    require_file(path, "embeddings file")
    try:
        with open(path, "rb") as handle:
            raw = CpuUnpickler(handle).load()
    except Exception as error:  # noqa: BLE001 - an unreadable file is the user's to fix
        raise ToolError(f"cannot read embeddings {path}: {type(error).__name__}: {error}") from None
    if not isinstance(raw, dict) or not raw:
        raise ToolError(f"{path} is not a dict of label -> embedding")
    table = {}
    for label, value in raw.items():
        vector = value.detach().cpu().numpy() if isinstance(value, torch.Tensor) else np.asarray(value)
        table[int(label)] = vector.astype(np.float32).reshape(-1)
    sizes = {v.shape[0] for v in table.values()}
    if len(sizes) != 1:
        raise ToolError(f"{path}: embeddings of different lengths {sorted(sizes)}")
    return table


def read_aliases(path, labels):
    """Reads an organ name -> label JSON map, checking every label exists."""
    require_file(path, "alias map")
    with open(path, encoding="utf-8") as handle:
        aliases = json.load(handle)
    unknown = {k: v for k, v in aliases.items() if v not in labels}
    if unknown:
        raise ToolError(f"{path}: aliases to unknown labels {unknown}")
    return {str(k): int(v) for k, v in aliases.items()}


def make_classes(names, embeddings):
    """Joins (label, name) rows with their embeddings into manifest class entries, sorted by label."""
    missing = [label for label, _ in names if label not in embeddings]
    if missing:
        raise ToolError(f"no embedding for labels {missing[:10]}")
    keys = [normalise_name(name) for _, name in names]
    duplicates = sorted({k for k in keys if keys.count(k) > 1})
    if duplicates:
        raise ToolError(f"class names collide after normalisation: {duplicates}")
    return [
        {"label": label, "name": name, "key": normalise_name(name),
         "embedding": [float(x) for x in embeddings[label]]}
        for label, name in sorted(names)
    ]


def manifest_text(manifest):
    """Serialises a manifest as indented JSON with one line per class."""
    head = {k: v for k, v in manifest.items() if k != "classes"}
    text = json.dumps(head, indent=2, ensure_ascii=False)
    rows = ",\n    ".join(json.dumps(c, ensure_ascii=False) for c in manifest["classes"])
    return text[:-2] + ',\n  "classes": [\n    ' + rows + "\n  ]\n}\n"


def write_manifest(directory, manifest):
    """Writes DIR/manifest.json."""
    with open(os.path.join(directory, "manifest.json"), "w", encoding="utf-8") as handle:
        handle.write(manifest_text(manifest))


def read_manifest(directory):
    """Reads DIR/manifest.json of a QS bundle, checking its format."""
    path = os.path.join(directory, "manifest.json")
    require_file(path, "bundle manifest")
    with open(path, encoding="utf-8") as handle:
        manifest = json.load(handle)
    if manifest.get("format") != BUNDLE_FORMAT:
        raise ToolError(f"{path}: format {manifest.get('format')!r} is not {BUNDLE_FORMAT}")
    return manifest


def find_class(manifest, organ):
    """The manifest class of an organ name (alias first, then normalised key), or None."""
    label = manifest["aliases"].get(organ)
    key = normalise_name(organ)
    for entry in manifest["classes"]:
        if (label is not None and entry["label"] == label) or (label is None and entry["key"] == key):
            return entry
    return None
