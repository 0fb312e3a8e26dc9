"""The predict action: sliding-window inference with softmax; writes the mask, the
probabilities when asked and T Monte-Carlo-dropout samples when asked, and the fused entropy and
MC-std maps (uncertainty_maps.py) when asked, all on each input's grid."""

import os
import sys

import torch

from .checkpoint import load_checkpoint
from .class_map import assert_same_classes, channel_to_label, class_labels
from .contract import EngineError, file_stems
from .networks import build_network, set_mc_dropout
from .nifti_io import load_image, write_mask, write_probabilities, write_voxel_map
from .preprocessing import Grid, prepare_image, restore_outputs
from .runtime import derived_seed, setup_runtime
from .sliding_window import sliding_window_logits
from .uncertainty_maps import McSpread, entropy_map


def _inference_for(network_name):
    """(function, description): SwinUNETR predicts through MONAI's sliding_window_inference; the
    small U-Net, which runs without MONAI, through the engine's own (same windows and blending)."""
    if network_name == "swinunetr":
        from .monai_inference import monai_sliding_window_logits

        return monai_sliding_window_logits, "MONAI sliding_window_inference"
    return sliding_window_logits, "the engine's sliding window"


def predict(request, params):
    """Predicts every case; returns the response's outputs."""
    device = setup_runtime(params, request["seed"])
    checkpoint = load_checkpoint(request["checkpoint"])
    assert_same_classes(checkpoint["classes"], request["classes"], request["checkpoint"])
    model = build_network(checkpoint["network"])
    model.load_state_dict(checkpoint["stateDict"])
    model.to(device).eval()
    preprocessing = checkpoint["preprocessing"]
    window_logits, inference = _inference_for(checkpoint["network"]["name"])
    print(
        f"torch engine: predicting with {inference} (patch {preprocessing['patchSize']}, overlap {params['overlap']}, {params['blending']} blending)",
        file=sys.stderr, flush=True,
    )
    to_label = channel_to_label(class_labels(request["classes"]))
    save = request["save"]
    try:
        os.makedirs(request["outputDir"], exist_ok=True)
    except OSError as error:
        raise EngineError(f"cannot create output folder {request['outputDir']}: {error.strerror}") from None
    extension = ".nii.gz" if params["compress"] else ".nii"
    stems = file_stems([case["id"] for case in request["cases"]])

    def probabilities_of(image_tensor):
        logits = window_logits(
            model, image_tensor, preprocessing["patchSize"], params["overlap"], params["blending"],
            params["windowBatchSize"], len(to_label),
        )
        return torch.softmax(logits, dim=0)

    outputs = []
    for case, stem in zip(request["cases"], stems):
        image, data = load_image(case["image"])
        grid = Grid(image, preprocessing["spacing"])
        tensor = torch.from_numpy(prepare_image(data, grid, preprocessing["huWindow"])).to(device)
        base = os.path.join(request["outputDir"], stem)
        model.eval()
        want_entropy = bool(save.get("entropyMap", False))
        channels, probabilities = restore_outputs(
            probabilities_of(tensor), grid, save["probabilities"] or want_entropy
        )
        output = {"id": case["id"], "mask": f"{base}_mask{extension}"}
        write_mask(output["mask"], to_label[channels], image)
        if save["probabilities"]:
            output["probabilities"] = f"{base}_probabilities{extension}"
            write_probabilities(output["probabilities"], probabilities, image, save["probabilityType"])
        if want_entropy:
            output["entropyMap"] = f"{base}_entropy{extension}"
            write_voxel_map(output["entropyMap"], entropy_map(probabilities, save["probabilityType"]), image)
        del probabilities

        def passes(count):
            """The T Monte-Carlo passes, each seeded by the request's seed, the case and its index."""
            set_mc_dropout(model)
            for sample in range(count):
                torch.manual_seed(derived_seed(request["seed"], case["id"], sample))
                yield sample, restore_outputs(probabilities_of(tensor), grid, True)[1]
            model.eval()

        output.update(_write_mc_outputs(passes, save, f"{base}_mc", extension, image))
        outputs.append(output)
    return outputs


def _write_mc_outputs(passes, save, stem, extension, image):
    """The T sample files (save.mcSamples) and the MC-std map (save.mcStdMap) of one case, from one
    run of the passes: pass i is both sample i and the spread's i-th term when both are asked for
    (engine-check asks for both), so the passes are not computed twice. Returns the output's keys."""
    samples, spread_samples = save["mcSamples"], save.get("mcStdMap", 0)
    written = {"mcSamples": []} if samples > 0 else {}
    spread = McSpread(save["probabilityType"]) if spread_samples > 0 else None
    if max(samples, spread_samples) == 0:
        return written
    for sample, probabilities in passes(max(samples, spread_samples)):
        if sample < samples:
            path = f"{stem}{sample:02d}{extension}"
            write_probabilities(path, probabilities, image, save["probabilityType"])
            written["mcSamples"].append(path)
        if spread is not None and sample < spread_samples:
            spread.add(probabilities)
    if spread is not None:
        written["mcStdMap"] = f"{stem}std{extension}"
        write_voxel_map(written["mcStdMap"], spread.map(), image)
    return written
