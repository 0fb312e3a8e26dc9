#!/usr/bin/env python3
"""Checks the engine's SwinUNETR pieces against MONAI itself, in one process (feature_size 12,
64^3): which modules MC dropout samples, and that the pretrained-weight formats the engine
reads are the ones MONAI reads (files written here in each format). Prints one JSON object.

  PYTHONPATH=<monai> /usr/bin/python3 engines/torch/selftest_swinunetr.py DIR
"""

import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import torch  # noqa: E402

from sentinel_torch.contract import EngineError  # noqa: E402
from sentinel_torch.networks import build_network, is_stochastic_layer, set_mc_dropout  # noqa: E402
from sentinel_torch.pretrained_weights import load_pretrained_weights  # noqa: E402

CONFIG = {"name": "swinunetr", "outChannels": 3, "featureSize": 12, "dropRate": 0.2, "imgSize": [64, 64, 64]}


def mc_dropout_facts():
    torch.manual_seed(0)
    model = build_network(CONFIG)
    image = torch.rand(1, 1, 64, 64, 64)
    with torch.no_grad():
        model.eval()
        deterministic = torch.equal(model(image), model(image))
        set_mc_dropout(model)
        training = [type(m).__name__ for m in model.modules() if m.training]
        first, second = model(image), model(image)
    return {
        "evalDeterministic": deterministic,
        "trainModeLayers": sorted(set(training)),
        "trainModeCount": len(training),
        "stochasticCount": sum(1 for m in model.modules() if is_stochastic_layer(m)),
        "mcPassesDiffer": not torch.equal(first, second),
    }


def write_formats(reference, folder):
    """The reference network's Swin encoder in MONAI's two self-supervised formats (load_from's
    names its MLP fc1/fc2, as MONAI's load_from reads them), plus a file of another format."""
    encoder = {k[len("swinViT."):]: v for k, v in reference.state_dict().items() if k.startswith("swinViT.")}
    fc = {k: k.replace(".mlp.linear1.", ".mlp.fc1.").replace(".mlp.linear2.", ".mlp.fc2.") for k in encoder}
    load_from = {"state_dict": {f"module.{fc[k]}": v for k, v in encoder.items()}}
    ssl = {"model": {"encoder.mask_token": torch.zeros(1, 1, 12), "out.conv.conv.weight": torch.zeros(1)}}
    for key, value in encoder.items():
        # The SSL model is MONAI's SwinViT (MLP named linear1/2), its layers one level deeper.
        name = key.replace(".0.blocks.", ".0.0.blocks.").replace(".0.downsample.", ".0.0.downsample.")
        ssl["model"][f"encoder.{name}"] = value
    paths = {name: os.path.join(folder, f"{name}.pth") for name in ("load_from", "ssl", "other")}
    torch.save(load_from, paths["load_from"])
    torch.save(ssl, paths["ssl"])
    torch.save({"weights": [1, 2, 3]}, paths["other"])
    return paths, encoder


def encoder_equal(model, encoder):
    state = model.state_dict()
    return all(torch.equal(state[f"swinViT.{k}"], v) for k, v in encoder.items())


def weights_facts(folder):
    torch.manual_seed(1)
    reference = build_network(CONFIG)
    paths, encoder = write_formats(reference, folder)
    facts = {"encoderTensors": len(encoder)}
    monai_model = build_network(CONFIG)
    monai_model.load_from(torch.load(paths["load_from"]))  # MONAI's own reader of that format
    facts["monaiLoadFromMatches"] = encoder_equal(monai_model, encoder)
    for name in ("load_from", "ssl"):
        model = build_network(CONFIG)
        report = load_pretrained_weights(model, paths[name])
        facts[name] = {**report, "encoderMatches": encoder_equal(model, encoder)}
    try:
        load_pretrained_weights(build_network(CONFIG), paths["other"])
        facts["other"] = "loaded"
    except EngineError as error:
        facts["other"] = str(error)
    return facts


def main():
    torch.set_num_threads(1)
    print(json.dumps({"mcDropout": mc_dropout_facts(), "weights": weights_facts(sys.argv[1])}))


if __name__ == "__main__":
    main()
