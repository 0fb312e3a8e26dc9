"""What the nnU-Net adapter lays out and runs: nnU-Net's folder layout for our cases, the
argv of each nnUNetv2_* program (lists, never a shell), and where nnU-Net leaves its files."""

import json
import os
import shutil

from sentinel_torch.contract import EngineError


def program(params, name):
    """The path of an nnUNetv2_* program: in params.binDir, else found on PATH."""
    if params["binDir"]:
        path = os.path.join(params["binDir"], name)
        if not os.access(path, os.X_OK):
            raise EngineError(f"{name} not found in params.binDir {params['binDir']}")
        return path
    path = shutil.which(name)
    if path is None:
        raise EngineError(f"{name} not found on PATH: install nnU-Net v2 (`pip install nnunetv2`) in the environment that runs this adapter, or set params.binDir")
    return path


def image_suffix(path):
    """.nii.gz or .nii (nnU-Net needs one file ending for a dataset)."""
    for suffix in (".nii.gz", ".nii"):
        if path.endswith(suffix):
            return suffix
    raise EngineError(f"{path}: the nnU-Net adapter takes NIfTI images (.nii.gz or .nii)")


def link_cases(cases, stems, folder, with_labels):
    """Symlinks the cases into an nnU-Net input folder: images as STEM_0000.nii.gz (one CT
    channel), labels (when asked) into a sibling labelsTr as STEM.nii.gz."""
    os.makedirs(folder, exist_ok=True)
    suffixes = {image_suffix(case["image"]) for case in cases}
    if len(suffixes) != 1:
        raise EngineError("the nnU-Net adapter needs every image with the same file ending (.nii.gz or .nii)")
    suffix = suffixes.pop()
    labels_folder = os.path.join(os.path.dirname(folder), "labelsTr")
    if with_labels:
        os.makedirs(labels_folder, exist_ok=True)
    for case, stem in zip(cases, stems):
        os.symlink(case["image"], os.path.join(folder, f"{stem}_0000{suffix}"))
        if with_labels:
            if image_suffix(case["label"]) != suffix:
                raise EngineError(f"case {case['id']}: label and image need the same file ending for nnU-Net")
            os.symlink(case["label"], os.path.join(labels_folder, f"{stem}{suffix}"))
    return suffix


def dataset_json(classes, cases, suffix):
    """nnU-Net v2's dataset.json for a CT dataset with the request's class map. nnU-Net needs
    consecutive label values 0..K, so the class map must be 1..K."""
    labels = sorted(int(k) for k in classes)
    if labels != list(range(1, len(labels) + 1)):
        raise EngineError(f"nnU-Net needs consecutive label values 1..K; the class map has {labels}")
    return {
        "channel_names": {"0": "CT"},
        "labels": {"background": 0, **{classes[str(v)]: v for v in labels}},
        "numTraining": len(cases),
        "file_ending": suffix,
    }


def write_json(path, value):
    with open(path, "w", encoding="utf-8") as handle:
        json.dump(value, handle, indent=2)


def dataset_name(params):
    return f"Dataset{params['datasetId']:03d}_SentinelFinetune"


def model_folder_name(params):
    """nnU-Net's results folder for a trainer/plans/configuration."""
    return f"{params['trainer']}__{params['plans']}__{params['configuration']}"


def fold_folders(checkpoint):
    """The folds a model folder holds, as nnU-Net names them on argv ("all", 0, 1, ...)."""
    folds = []
    for entry in sorted(os.listdir(checkpoint)):
        if entry.startswith("fold_") and os.path.isdir(os.path.join(checkpoint, entry)):
            name = entry[len("fold_"):]
            folds.append(int(name) if name.isdigit() else name)
    return folds


def check_model_folder(path, params):
    """Fails unless `path` is an nnU-Net model folder (plans.json, dataset.json, fold_*)."""
    if not os.path.isdir(path):
        raise EngineError(f"{path} is not an nnU-Net model folder (expected a folder such as nnUNet_results/DatasetXXX/{model_folder_name(params)})")
    for name in ("plans.json", "dataset.json"):
        if not os.path.isfile(os.path.join(path, name)):
            raise EngineError(f"nnU-Net model folder {path} has no {name}")
    if not fold_folders(path):
        raise EngineError(f"nnU-Net model folder {path} has no fold_* folder")


def model_file_ending(path):
    """The file ending of the dataset a model folder was trained on (its dataset.json)."""
    with open(os.path.join(path, "dataset.json"), encoding="utf-8") as handle:
        ending = json.load(handle).get("file_ending")
    if not isinstance(ending, str):
        raise EngineError(f"nnU-Net model folder {path}: dataset.json has no file_ending")
    return ending


def predict_argv(params, input_folder, output_folder, checkpoint, folds, save_probabilities):
    """nnUNetv2_predict_from_modelfolder's argv: nnUNetv2_predict's predictor, given the
    trained model folder itself rather than a dataset id under nnUNet_results."""
    argv = [
        program(params, "nnUNetv2_predict_from_modelfolder"),
        "-i", input_folder, "-o", output_folder, "-m", checkpoint,
        "-f", *[str(f) for f in folds],
        "-chk", params["checkpointName"],
        "-step_size", str(params["stepSize"]),
        "-npp", str(params["processes"]), "-nps", str(params["processes"]),
        "-device", params["device"],
        "--disable_progress_bar",
    ]
    if params["disableTta"]:
        argv.append("--disable_tta")
    if save_probabilities:
        argv.append("--save_probabilities")
    return argv


def plan_and_preprocess_argv(params):
    """Training from scratch: nnU-Net plans and preprocesses the laid-out dataset itself."""
    return [program(params, "nnUNetv2_plan_and_preprocess"), "-d", str(params["datasetId"]), "-c", params["configuration"], "-np", str(params["processes"]), "--verify_dataset_integrity"]


def fingerprint_argv(params):
    """Fine-tuning, step 1 (nnU-Net's pretraining guide): the new dataset's fingerprint."""
    return [program(params, "nnUNetv2_extract_fingerprint"), "-d", str(params["datasetId"]), "-np", str(params["processes"]), "--verify_dataset_integrity"]


def preprocess_argv(params):
    """Fine-tuning, step 3, after transfer_plans: preprocess with the pretrained model's plans."""
    return [program(params, "nnUNetv2_preprocess"), "-d", str(params["datasetId"]), "-plans_name", params["plans"], "-c", params["configuration"], "-np", str(params["processes"])]


def train_argv(params, pretrained_weights):
    """nnUNetv2_train's argv for the laid-out dataset, fine-tuning from a checkpoint file
    when given (-pretrained_weights)."""
    argv = [
        program(params, "nnUNetv2_train"), str(params["datasetId"]), params["configuration"], str(params["trainFold"]),
        "-tr", params["trainer"], "-p", params["plans"], "-device", params["device"],
    ]
    if pretrained_weights:
        argv += ["-pretrained_weights", pretrained_weights]
    return argv


def transfer_plans(init_folder, preprocessed_dataset, params):
    """Fine-tuning, step 2: copies the pretrained model's plans to the new dataset under the
    same identifier, as
    nnUNetv2_move_plans_between_datasets does (the dataset name is the only field changed)."""
    with open(os.path.join(init_folder, "plans.json"), encoding="utf-8") as handle:
        plans = json.load(handle)
    if params["configuration"] not in plans.get("configurations", {}):
        raise EngineError(f"the init model's plans have no configuration {params['configuration']!r} (they have {', '.join(plans.get('configurations', {}))})")
    plans["dataset_name"] = dataset_name(params)
    plans["plans_name"] = params["plans"]
    os.makedirs(preprocessed_dataset, exist_ok=True)
    write_json(os.path.join(preprocessed_dataset, f"{params['plans']}.json"), plans)
