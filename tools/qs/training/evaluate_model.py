"""Evaluates a QS bundle the way CARD.md reports it (issue 5, step 5); anyone can rerun it.

  /usr/bin/python3 tools/qs/training/evaluate_model.py --bundle models/qs-phantom \
      --work runs/qs-evaluation [--sets 2001:12:4:64x64x40,2002:6:3:96x96x56] \
      [--engine-steps 200,300,500,900,2000] [--degradations 3] [--seed 1]

1. Held-out phantoms (seeds the training data never used): pseudo labels from reference-engine
   checkpoints of rising steps (trained on each set's labeled cases) and from random
   degradations of the true masks. Truth = each organ's 3D Dice against the phantom labels.
2. The real CT of ../shared/data/totalsegmentator-example: each organ the bundle knows
   (TotalSegmentator names), its mask eroded and dilated in-plane by 1..--radii voxels. Truth =
   3D Dice against the full model's label map (seg_multilabel.nii.gz).
Organ scores come from the project's TypeScript QS path (src/qs: loadBundle, openQsSession,
caseFromLabelMap / caseFromSegmentations, scoreAllCases) run by dist/bench/qs-model-quality.js,
which also computes Pearson, Spearman and MAP@k with src/metrics and prints the figures.
"""

import argparse
import json
import os
import subprocess
import sys

import nibabel as nib
import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path[:0] = [HERE, os.path.dirname(HERE)]

from bundle import find_class, read_manifest  # noqa: E402
from degrade import dilate, erode, random_degradation  # noqa: E402
from mask_sources import dice_3d, parse_phantom_sets, prepare_phantom_sets  # noqa: E402
from phantom_engine import PACKAGE_ROOT, PHANTOM_CLASSES  # noqa: E402
from preprocess import read_volume  # noqa: E402
from tool_error import ToolError, run_main  # noqa: E402

SCORER = os.path.join(PACKAGE_ROOT, "dist", "bench", "qs-model-quality.js")
DEFAULT_CT = os.path.join(os.path.dirname(PACKAGE_ROOT), "shared", "data", "totalsegmentator-example")


def parse_args(argv):
    """The evaluator's command line."""
    p = argparse.ArgumentParser(description="Evaluate a QS bundle on held-out phantoms and real-CT degradations.")
    p.add_argument("--bundle", required=True, help="QS bundle folder")
    p.add_argument("--work", required=True, help="folder for the evaluation data (reused) and results.json")
    p.add_argument("--sets", default="2001:12:4:64x64x40,2002:6:3:96x96x56", help="held-out phantom sets SEED:COUNT:LABELED:SIZE")
    p.add_argument("--engine-steps", default="200,300,500,900,2000")
    p.add_argument("--engine-seed", type=int, default=11)
    p.add_argument("--degradations", type=int, default=3, help="degraded copies of each held-out phantom's labels")
    p.add_argument("--ct", default=DEFAULT_CT, help="folder with ct.nii.gz, segmentations/, seg_multilabel.nii.gz, labels_total.json")
    p.add_argument("--radii", type=int, default=4, help="erosion/dilation radii 1..N voxels on the real CT")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--skip-ct", action="store_true")
    p.add_argument("--skip-phantoms", action="store_true")
    return p.parse_args(argv)


def save_mask(path, mask, like):
    """Writes a uint8 mask on the grid (affine, header) of a reference NIfTI image."""
    image = nib.Nifti1Image(mask.astype(np.uint8), like.affine)
    image.set_qform(like.affine, 1)
    image.set_sform(like.affine, 1)
    nib.save(image, path)


def phantom_items(args, work):
    """Scoring cases and truth rows of the held-out phantoms."""
    sets = parse_phantom_sets(args.sets)
    steps = [int(s) for s in args.engine_steps.split(",") if s.strip()]
    cases = prepare_phantom_sets(sets, steps, args.engine_seed, work)
    rng = np.random.default_rng(args.seed)
    class_map = {str(k): v for k, v in PHANTOM_CLASSES.items()}
    score_cases, truth = [], []
    for case in cases:
        labels = read_volume(case["label"])
        for steps_done, mask_path in sorted(case["predictions"].items()):
            case_id = f"{case['set']}/{case['id']}/engine-steps{steps_done}"
            score_cases.append({"id": case_id, "image": case["image"], "labels": mask_path, "classMap": class_map})
            predicted = read_volume(mask_path)
            for label, organ in PHANTOM_CLASSES.items():
                truth.append({"caseId": case_id, "organ": organ, "group": f"phantom:{case['set']}",
                              "dice": dice_3d(predicted == label, labels == label), "source": f"engine-steps{steps_done}"})
        like = nib.load(case["label"])
        for index in range(args.degradations):
            folder = os.path.join(work, "degraded", case["set"], f"{case['id']}-d{index}")
            case_id = f"{case['set']}/{case['id']}/degrade{index}"
            os.makedirs(folder, exist_ok=True)
            score_cases.append({"id": case_id, "image": case["image"], "segmentations": folder})
            for label, organ in PHANTOM_CLASSES.items():
                organ_truth = labels == label
                mask, text = random_degradation(organ_truth, labels, label, rng)
                save_mask(os.path.join(folder, f"{organ}.nii.gz"), mask, like)
                truth.append({"caseId": case_id, "organ": organ, "group": f"phantom:{case['set']}",
                              "dice": dice_3d(mask, organ_truth), "source": f"degrade: {text}"})
    return score_cases, truth


def ct_items(args, manifest, work):
    """Scoring cases and truth rows of the real-CT erosion/dilation series."""
    image = os.path.join(args.ct, "ct.nii.gz")
    with open(os.path.join(args.ct, "labels_total.json"), encoding="utf-8") as handle:
        names = {v: int(k) for k, v in json.load(handle).items()}
    reference = read_volume(os.path.join(args.ct, "seg_multilabel.nii.gz"))
    organs = []
    for file_name in sorted(os.listdir(os.path.join(args.ct, "segmentations"))):
        organ = file_name[:-len(".nii.gz")]
        if file_name.endswith(".nii.gz") and find_class(manifest, organ) is not None:
            organs.append(organ)
    if not organs:
        raise ToolError(f"the bundle knows none of the organs in {args.ct}/segmentations")
    masks = {o: read_volume(os.path.join(args.ct, "segmentations", f"{o}.nii.gz")) > 0 for o in organs}
    like = nib.load(image)
    score_cases, truth = [], []
    series = [("original", 0)] + [(kind, r) for kind in ("erosion", "dilation") for r in range(1, args.radii + 1)]
    for kind, radius in series:
        case_id = f"ct/{kind}-r{radius}"
        folder = os.path.join(work, "ct", f"{kind}-r{radius}")
        os.makedirs(folder, exist_ok=True)
        score_cases.append({"id": case_id, "image": image, "segmentations": folder})
        for organ in organs:
            mask = {"original": lambda m, r: m, "erosion": erode, "dilation": dilate}[kind](masks[organ], radius)
            save_mask(os.path.join(folder, f"{organ}.nii.gz"), mask, like)
            ref = reference == names[organ] if organ in names else None
            truth.append({"caseId": case_id, "organ": organ, "group": "ct", "kind": kind, "radius": radius,
                          "dice": dice_3d(mask, ref) if ref is not None else None})
    return score_cases, truth


def main(argv=None):
    args = parse_args(argv)
    manifest = read_manifest(args.bundle)
    work = os.path.abspath(args.work)
    os.makedirs(work, exist_ok=True)
    score_cases, truth = [], []
    if not args.skip_phantoms:
        print("held-out phantoms, engine pseudo labels and degradations ...", flush=True)
        cases, rows = phantom_items(args, work)
        score_cases += cases
        truth += rows
    if not args.skip_ct:
        print(f"real CT erosion/dilation series from {args.ct} ...", flush=True)
        cases, rows = ct_items(args, manifest, work)
        score_cases += cases
        truth += rows
    items = os.path.join(work, "items.json")
    with open(items, "w", encoding="utf-8") as handle:
        json.dump({"args": vars(args), "cases": score_cases, "truth": truth}, handle, indent=1)
    if not os.path.isfile(SCORER):
        raise ToolError(f"{SCORER} not found; build the project first (npx tsc -p .)")
    print(f"scoring {len(score_cases)} cases with the TypeScript QS path ...", flush=True)
    result = subprocess.run(["node", SCORER, "--bundle", os.path.abspath(args.bundle), "--items", items,
                             "--out", os.path.join(work, "results.json")])
    return result.returncode


if __name__ == "__main__":
    run_main(main)
