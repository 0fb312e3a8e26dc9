"""Python reference of QS inference (QS-INFERENCE.md to the letter), for parity tests and benches.

  /usr/bin/python3 tools/qs/reference_inference.py --bundle DIR --checkpoint FILE.pth \
      [--backbone NAME] --image ct.nii.gz (--segmentations DIR | --labels FILE --class-map FILE)
      [--organs a,b] [--out FILE.json] [--dump-inputs DIR]

The bundle gives the preprocessing parameters, the classes and the aliases; the weights come
from the torch checkpoint the bundle was exported from (torch runs the network, not ONNX).
Prints (or writes) JSON: {"organs": {NAME: {"score", "slices", "sliceIndices", "sliceScores",
"label", "warning"}}, "case": {"score", "organs"}, "timing": {...}}.
"""

import argparse
import json
import os
import sys
import time

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from bundle import find_class, read_manifest, require_file  # noqa: E402
from checkpoint import load_network  # noqa: E402
from preprocess import organ_batch, read_volume  # noqa: E402
from tool_error import ToolError, run_main  # noqa: E402

NIFTI_SUFFIXES = (".nii.gz", ".nii")


def parse_args(argv):
    """The reference's command line."""
    parser = argparse.ArgumentParser(description="Score organ masks with the QS network in torch (reference).")
    parser.add_argument("--bundle", required=True, help="QS bundle folder (manifest.json is read)")
    parser.add_argument("--checkpoint", required=True, help="torch state_dict the bundle was exported from")
    parser.add_argument("--backbone", default=None, help="default: the manifest's backbone")
    parser.add_argument("--image", required=True, help="CT volume (.nii/.nii.gz)")
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument("--segmentations", help="folder of per-organ masks ORGAN.nii.gz (mask > 0)")
    source.add_argument("--labels", help="label map (mask == label); needs --class-map")
    parser.add_argument("--class-map", help='JSON {"1": "spleen", ...} naming the label map\'s labels')
    parser.add_argument("--organs", default=None, help="comma-separated subset of organ names")
    parser.add_argument("--out", default=None, help="write the JSON here instead of stdout")
    parser.add_argument("--dump-inputs", default=None, help="folder: write each organ's network input as ORGAN.f32 [n,2,S,S]")
    return parser.parse_args(argv)


def organ_name(file_name):
    """ORGAN for ORGAN.nii.gz / ORGAN.nii, else None."""
    for suffix in NIFTI_SUFFIXES:
        if file_name.endswith(suffix):
            return file_name[: -len(suffix)]
    return None


def iter_segmentation_masks(directory):
    """(organ, mask > 0) for each mask file of a TotalSegmentator-style folder, sorted by name."""
    if not os.path.isdir(directory):
        raise ToolError(f"segmentations folder not found: {directory}")
    for file_name in sorted(os.listdir(directory)):
        organ = organ_name(file_name)
        if organ is not None:
            yield organ, lambda p=os.path.join(directory, file_name): read_volume(p) > 0


def iter_label_masks(labels_path, class_map_path):
    """(organ, labelmap == label) for each entry of a class map, in label order."""
    require_file(labels_path, "label map")
    if class_map_path is None:
        raise ToolError("--labels needs --class-map (JSON label -> organ name)")
    require_file(class_map_path, "class map")
    with open(class_map_path, encoding="utf-8") as handle:
        class_map = {int(k): str(v) for k, v in json.load(handle).items()}
    labels = read_volume(labels_path)
    for label in sorted(class_map):
        if label != 0:
            yield class_map[label], lambda value=label: labels == value


def score_organ(model, ct, mask, entry, manifest, timing, dump_path=None):
    """The organ's result: mean of its slice outputs, or no score with a warning."""
    if mask.shape != ct.shape:
        raise ToolError(f"mask shape {mask.shape} differs from the image shape {ct.shape}")
    started = time.perf_counter()
    slices, batch = organ_batch(ct, mask, manifest)
    timing["preprocessSeconds"] += time.perf_counter() - started
    if batch is None:
        return {"score": None, "slices": 0, "sliceIndices": [], "sliceScores": [],
                "label": entry["label"], "warning": "empty mask"}
    if dump_path:
        batch.astype("<f4").tofile(dump_path)
    embedding = np.tile(np.asarray(entry["embedding"], dtype=np.float32), (len(slices), 1))
    started = time.perf_counter()
    with torch.no_grad():
        outputs = model(torch.from_numpy(batch), torch.from_numpy(embedding)).numpy().reshape(-1)
    timing["inferenceSeconds"] += time.perf_counter() - started
    timing["slices"] += len(slices)
    scores = [float(x) for x in outputs]
    return {"score": float(np.mean(scores)), "slices": len(slices), "sliceIndices": slices,
            "sliceScores": scores, "label": entry["label"], "warning": None}


def main(argv=None):
    args = parse_args(argv)
    manifest = read_manifest(args.bundle)
    require_file(args.image, "image")
    model = load_network(args.checkpoint, args.backbone or manifest["backbone"], manifest["embeddingSize"])
    timing = {"loadSeconds": 0.0, "preprocessSeconds": 0.0, "inferenceSeconds": 0.0, "slices": 0}
    started = time.perf_counter()
    ct = read_volume(args.image)
    timing["loadSeconds"] += time.perf_counter() - started
    if args.dump_inputs:
        os.makedirs(args.dump_inputs, exist_ok=True)
    wanted = set(args.organs.split(",")) if args.organs else None
    masks = iter_segmentation_masks(args.segmentations) if args.segmentations else iter_label_masks(args.labels, args.class_map)
    organs = {}
    for organ, read_mask in masks:
        if wanted is not None and organ not in wanted:
            continue
        entry = find_class(manifest, organ)
        if entry is None:
            organs[organ] = {"score": None, "slices": 0, "sliceIndices": [], "sliceScores": [],
                             "label": None, "warning": "no class in bundle"}
            continue
        started = time.perf_counter()
        mask = read_mask()
        timing["loadSeconds"] += time.perf_counter() - started
        dump_path = os.path.join(args.dump_inputs, f"{organ}.f32") if args.dump_inputs else None
        organs[organ] = score_organ(model, ct, mask, entry, manifest, timing, dump_path)
    scored = [o["score"] for o in organs.values() if o["score"] is not None]
    result = {
        "organs": organs,
        "case": {"score": float(np.mean(scored)) if scored else None, "organs": len(scored)},
        "timing": timing,
    }
    text = json.dumps(result, indent=1)
    if args.out:
        with open(args.out, "w", encoding="utf-8") as handle:
            handle.write(text + "\n")
    else:
        print(text)
    return 0


if __name__ == "__main__":
    run_main(main)
