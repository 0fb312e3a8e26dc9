#!/usr/bin/env python3
"""nnU-Net v2 behind the sentinel engine contract v1. nnU-Net speaks its own CLI; this adapter
reads our request, lays out nnU-Net's folders in the request's workdir, runs the nnUNetv2_*
programs (argv lists, never a shell) and writes our response.

  python3 engines/nnunet/adapter.py train|predict --request REQUEST.json

Run it with the Python of the environment where nnU-Net v2 is installed (it needs only the
standard library itself). A checkpoint is an nnU-Net model folder
(nnUNet_results/DatasetXXX/TRAINER__PLANS__CONFIGURATION with plans.json, dataset.json and
fold_*/checkpoint_final.pth). predict writes nnU-Net's mask and, when asked, its .npz
probabilities (key `probabilities`, axes class, z, y, x). nnU-Net has no dropout at inference,
so Monte-Carlo samples are refused; it takes no seed, so training is not seeded.
"""

import os
import shutil
import subprocess
import sys

_HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, _HERE)
sys.path.insert(0, os.path.join(os.path.dirname(_HERE), "torch"))

from nnunet_layout import (  # noqa: E402
    check_model_folder, dataset_json, dataset_name, fingerprint_argv, fold_folders, link_cases,
    model_file_ending, model_folder_name, plan_and_preprocess_argv, predict_argv, preprocess_argv, train_argv, transfer_plans, write_json,
)
from nnunet_params import parse_nnunet_params  # noqa: E402
from sentinel_torch.contract import (  # noqa: E402
    EngineError, file_stems, predict_response, read_request, run_engine, train_response, write_json_atomically,
)

ENGINE = {"name": "nnunet-v2", "version": "adapter 1.0.0"}


def _run(argv, env, log_name):
    """Runs one nnU-Net program, its output passed through to our log (stderr)."""
    print(f"nnunet adapter: running {' '.join(argv)}", file=sys.stderr, flush=True)
    try:
        result = subprocess.run(argv, env=env, stdout=sys.stderr, stderr=sys.stderr, check=False)
    except OSError as error:
        raise EngineError(f"cannot run {argv[0]}: {error.strerror}") from None
    if result.returncode != 0:
        raise EngineError(f"{os.path.basename(argv[0])} ({log_name}) exited with status {result.returncode}; its output is in the job log above")


def _nnunet_env(workdir):
    """nnU-Net's three folders, all inside the job's scratch folder."""
    folders = {name: os.path.join(workdir, name) for name in ("nnUNet_raw", "nnUNet_preprocessed", "nnUNet_results")}
    for folder in folders.values():
        os.makedirs(folder, exist_ok=True)
    return {**os.environ, **folders}, folders


def run_predict(request_path):
    request = read_request(request_path, "predict")
    params = parse_nnunet_params(request["params"])
    save = request["save"]
    if save["mcSamples"] > 0:
        raise EngineError("nnU-Net has no dropout at inference, so it cannot write Monte-Carlo-dropout samples; drop mc-dropout from the config's methods (configs/nnunet.yaml sets supportsMcDropout: false)")
    checkpoint = request["checkpoint"]
    check_model_folder(checkpoint, params)
    folds = params["folds"] or fold_folders(checkpoint)
    env, _ = _nnunet_env(request["workdir"])
    stems = file_stems([case["id"] for case in request["cases"]])
    input_folder = os.path.join(request["workdir"], "input", "imagesTs")
    suffix = link_cases(request["cases"], stems, input_folder, with_labels=False)
    model_ending = model_file_ending(checkpoint)
    if suffix != model_ending:
        raise EngineError(f"the nnU-Net model was trained on {model_ending} files; the request's images are {suffix} (nnU-Net needs the same file ending)")
    output_folder = request["outputDir"]
    os.makedirs(output_folder, exist_ok=True)
    _run(predict_argv(params, input_folder, output_folder, checkpoint, folds, save["probabilities"]), env, "predict")
    outputs = []
    for case, stem in zip(request["cases"], stems):
        output = {"id": case["id"], "mask": os.path.join(output_folder, f"{stem}{suffix}")}
        if save["probabilities"]:
            output["probabilities"] = os.path.join(output_folder, f"{stem}.npz")
        for path in (output["mask"], output.get("probabilities")):
            if path and not os.path.isfile(path):
                raise EngineError(f"nnU-Net finished but did not write {path}")
        outputs.append(output)
    write_json_atomically(request["response"], predict_response(ENGINE, outputs))


def _init_weights(init, params):
    """The checkpoint file to fine-tune from, inside an nnU-Net model folder given as init."""
    check_model_folder(init, params)
    folds = fold_folders(init)
    fold = "all" if "all" in folds else folds[0]
    path = os.path.join(init, f"fold_{fold}", params["checkpointName"])
    if not os.path.isfile(path):
        raise EngineError(f"init model folder {init} has no fold_{fold}/{params['checkpointName']}")
    return path


def _copy_model_folder(source, fold, destination):
    """Copies what prediction needs (plans, dataset description, the fold's final checkpoint)
    to the destination folder, atomically (a sibling temporary folder renamed into place)."""
    temporary = f"{destination}.{os.getpid()}.tmp"
    shutil.rmtree(temporary, ignore_errors=True)
    os.makedirs(os.path.join(temporary, f"fold_{fold}"))
    for name in ("plans.json", "dataset.json", "dataset_fingerprint.json"):
        if os.path.isfile(os.path.join(source, name)):
            shutil.copy2(os.path.join(source, name), os.path.join(temporary, name))
    shutil.copy2(os.path.join(source, f"fold_{fold}", "checkpoint_final.pth"), os.path.join(temporary, f"fold_{fold}", "checkpoint_final.pth"))
    if os.path.isdir(destination):
        shutil.rmtree(destination)
    os.replace(temporary, destination)


def run_train(request_path):
    request = read_request(request_path, "train")
    params = parse_nnunet_params(request["params"])
    init = request["init"]
    pretrained = _init_weights(init, params) if init else None
    env, folders = _nnunet_env(request["workdir"])
    name = dataset_name(params)
    raw = os.path.join(folders["nnUNet_raw"], name)
    stems = file_stems([case["id"] for case in request["cases"]])
    suffix = link_cases(request["cases"], stems, os.path.join(raw, "imagesTr"), with_labels=True)
    write_json(os.path.join(raw, "dataset.json"), dataset_json(request["classes"], request["cases"], suffix))
    if pretrained:
        _run(fingerprint_argv(params), env, "fingerprint")
        transfer_plans(init, os.path.join(folders["nnUNet_preprocessed"], name), params)
        _run(preprocess_argv(params), env, "preprocess")
    else:
        _run(plan_and_preprocess_argv(params), env, "plan and preprocess")
    _run(train_argv(params, pretrained), env, "train")
    model = os.path.join(folders["nnUNet_results"], name, model_folder_name(params))
    fold = params["trainFold"]
    if not os.path.isfile(os.path.join(model, f"fold_{fold}", "checkpoint_final.pth")):
        raise EngineError(f"nnUNetv2_train finished but wrote no {model}/fold_{fold}/checkpoint_final.pth")
    _copy_model_folder(model, fold, request["checkpoint"])
    stats = {"init": init, "cases": len(request["cases"]), "fold": fold, "seed": "ignored (nnU-Net takes no seed)"}
    write_json_atomically(request["response"], train_response(ENGINE, request["checkpoint"], stats))


if __name__ == "__main__":
    run_engine("nnunet adapter", {"train": run_train, "predict": run_predict})
