#!/usr/bin/env python3
"""The TotalSegmentator CLI as a pseudo-labeller behind the sentinel engine contract v1:
predict only (TotalSegmentator ships trained models; `train` is refused).

  python3 engines/totalsegmentator/adapter.py predict --request REQUEST.json

Run it with the Python where TotalSegmentator is installed (it brings numpy and nibabel).
For each case it runs `TotalSegmentator -i IMAGE -o WORKDIR/CASE.nii.gz --ml --task TASK
--roi_subset NAMES... --device DEVICE` (argv list, never a shell) and rewrites the multi-label
map from TotalSegmentator's label numbers to the request's class map by organ name, on the
image's grid. The request's class names must be TotalSegmentator names for the task.
TotalSegmentator's label numbers come from its own package (totalsegmentator.map_to_binary)
or from params.labelMap, a JSON file {"1": "spleen", ...}. It writes no probabilities and has
no dropout at inference, so probabilities and Monte-Carlo samples are refused.
"""

import json
import os
import shutil
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "torch"))

from sentinel_torch.contract import EngineError, file_stems, predict_response, read_request, run_engine, write_json_atomically  # noqa: E402

ENGINE = {"name": "totalsegmentator", "version": "adapter 1.0.0"}

_FIELDS = {
    # TotalSegmentator's --task (total, total_mr, ...).
    "task": "total",
    # --fast (3 mm model) and --device (gpu, cpu, mps, gpu:N).
    "fast": False,
    "device": "gpu",
    # Pass the class map's organ names as --roi_subset (faster; task total only).
    "roiSubset": True,
    # A JSON file {"label": "name"} with TotalSegmentator's numbering for the task, when its
    # package cannot be imported by this Python.
    "labelMap": None,
    # The TotalSegmentator program (a path, or a name looked up on PATH).
    "program": "TotalSegmentator",
}


def _parse_params(raw):
    unknown = sorted(set(raw) - set(_FIELDS))
    if unknown:
        raise EngineError(f"unknown TotalSegmentator adapter parameter params.{unknown[0]} (valid: {', '.join(sorted(_FIELDS))})")
    params = {**_FIELDS, **raw}
    for name in ("fast", "roiSubset"):
        if not isinstance(params[name], bool):
            raise EngineError(f"bad TotalSegmentator adapter parameter params.{name}: expected true or false")
    for name in ("task", "device", "program"):
        if not isinstance(params[name], str) or not params[name]:
            raise EngineError(f"bad TotalSegmentator adapter parameter params.{name}: expected a string")
    return params


def _totalsegmentator_labels(params):
    """TotalSegmentator's numbering for the task: name -> label value."""
    if params["labelMap"]:
        try:
            with open(params["labelMap"], encoding="utf-8") as handle:
                numbered = json.load(handle)
        except (OSError, ValueError) as error:
            raise EngineError(f"cannot read params.labelMap {params['labelMap']}: {error}") from None
    else:
        try:
            from totalsegmentator.map_to_binary import class_map
        except ImportError:
            raise EngineError("cannot import totalsegmentator.map_to_binary for TotalSegmentator's label numbers: run this adapter with the Python where TotalSegmentator is installed, or set params.labelMap") from None
        if params["task"] not in class_map:
            raise EngineError(f"TotalSegmentator has no task {params['task']!r} (known: {', '.join(sorted(class_map))})")
        numbered = class_map[params["task"]]
    return {name: int(value) for value, name in numbered.items()}


def _program(params):
    path = shutil.which(params["program"])
    if path is None:
        raise EngineError(f"{params['program']} not found: install TotalSegmentator (`pip install TotalSegmentator`) in the environment that runs this adapter, or set params.program")
    return path


def segment_argv(params, program, image, output, names):
    """TotalSegmentator's argv for one image, a multi-label map written to `output`."""
    argv = [program, "-i", image, "-o", output, "--ml", "--task", params["task"], "--device", params["device"]]
    if params["fast"]:
        argv.append("--fast")
    if params["roiSubset"] and params["task"] == "total":
        argv += ["--roi_subset", *names]
    return argv


def run_predict(request_path):
    request = read_request(request_path, "predict")
    params = _parse_params(request["params"])
    save = request["save"]
    if save["probabilities"] or save["mcSamples"] > 0:
        raise EngineError("TotalSegmentator writes label maps only (no probabilities, no Monte-Carlo dropout); use it as a pseudo-labeller with methods that need neither (qs, random), as configs/totalsegmentator-pseudolabels.yaml does")
    ours = {name: int(value) for value, name in request["classes"].items()}
    theirs = _totalsegmentator_labels(params)
    unknown = [name for name in ours if name not in theirs]
    if unknown:
        raise EngineError(f"class {unknown[0]!r} is not a TotalSegmentator {params['task']} class; name the classes as TotalSegmentator does (e.g. liver, kidney_left)")
    import nibabel as nib
    import numpy as np

    from sentinel_torch.nifti_io import write_mask

    program = _program(params)
    os.makedirs(request["outputDir"], exist_ok=True)
    os.makedirs(request["workdir"], exist_ok=True)
    table = np.zeros(max(theirs.values()) + 1, dtype=np.uint8)
    for name, value in ours.items():
        table[theirs[name]] = value
    outputs = []
    for case, stem in zip(request["cases"], file_stems([case["id"] for case in request["cases"]])):
        raw = os.path.join(request["workdir"], f"{stem}_totalsegmentator.nii.gz")
        argv = segment_argv(params, program, case["image"], raw, sorted(ours))
        print(f"totalsegmentator adapter: running {' '.join(argv)}", file=sys.stderr, flush=True)
        status = subprocess.run(argv, stdout=sys.stderr, stderr=sys.stderr, check=False).returncode
        if status != 0:
            raise EngineError(f"TotalSegmentator exited with status {status} on case {case['id']}; its output is in the job log above")
        image = nib.load(case["image"])
        labels = np.asarray(nib.load(raw).dataobj).astype(np.int64)
        if labels.shape != image.shape[:3]:
            raise EngineError(f"TotalSegmentator's output for case {case['id']} has shape {labels.shape}, the image {image.shape[:3]}")
        mask = np.where(labels < table.size, table[np.clip(labels, 0, table.size - 1)], 0)
        path = os.path.join(request["outputDir"], f"{stem}_mask.nii.gz")
        write_mask(path, mask, image)
        outputs.append({"id": case["id"], "mask": path})
    write_json_atomically(request["response"], predict_response(ENGINE, outputs))


def run_train(_request_path):
    raise EngineError("TotalSegmentator is used as a pseudo-labeller here and cannot be fine-tuned through this adapter; train with the torch engine or nnU-Net (configs/totalsegmentator-swinunetr.yaml, configs/nnunet.yaml)")


if __name__ == "__main__":
    run_engine("totalsegmentator adapter", {"train": run_train, "predict": run_predict})
