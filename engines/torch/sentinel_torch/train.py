"""The train action: fine-tune a 3D network from request.init (this engine's checkpoint or
foreign weights) or from scratch on the request's cases, and write the checkpoint atomically."""

import sys
import time

import numpy as np
import torch

from .checkpoint import is_engine_checkpoint, read_torch_file, save_checkpoint
from .class_map import assert_same_classes, class_labels, label_to_channel
from .contract import EngineError
from .losses import dice_ce_loss
from .networks import build_network, network_config
from .pretrained_weights import load_pretrained_weights
from .nifti_io import load_image, load_labels
from .patch_sampling import PatchSampler, augment_intensity
from .preprocessing import Grid, prepare_image, prepare_labels
from .runtime import setup_runtime


def _log(text):
    print(f"torch engine: {text}", file=sys.stderr, flush=True)


def _initial_model(request, params, out_channels):
    """The network to train and the preprocessing it needs, from init or params."""
    preprocessing = {"spacing": params["spacing"], "huWindow": params["huWindow"], "patchSize": params["patchSize"]}
    init = request["init"]
    loaded = read_torch_file(init) if init else None
    if is_engine_checkpoint(loaded):
        assert_same_classes(loaded["classes"], request["classes"], init)
        if loaded["network"]["name"] != params["network"]:
            raise EngineError(f"init checkpoint {init} holds a {loaded['network']['name']} network; params.network says {params['network']}")
        model = build_network(loaded["network"])
        model.load_state_dict(loaded["stateDict"])
        return model, loaded["network"], loaded["preprocessing"], {"init": init}
    config = network_config(params, out_channels)
    model = build_network(config)
    weights = init or params["pretrainedWeights"]
    if weights is None:
        return model, config, preprocessing, {"init": None}
    report = load_pretrained_weights(model, weights, loaded if init else None)
    _log(f"loaded {report['loaded']} of {report['total']} tensors from {weights} ({report['format']}; {report['skipped']} skipped: shape differs)")
    return model, config, preprocessing, {"init": weights, "pretrainedTensors": report}


def _load_cases(request, preprocessing, table):
    cases = []
    for case in request["cases"]:
        image, data = load_image(case["image"])
        labels = load_labels(case["label"], image, case["image"])
        grid = Grid(image, preprocessing["spacing"])
        cases.append((prepare_image(data, grid, preprocessing["huWindow"]), prepare_labels(table[labels], grid)))
    return cases


def train(request, params):
    """Trains and saves the checkpoint; returns the stats for the response."""
    started = time.time()
    device = setup_runtime(params, request["seed"])
    labels = class_labels(request["classes"])
    model, config, preprocessing, origin = _initial_model(request, params, len(labels) + 1)
    cases = _load_cases(request, preprocessing, label_to_channel(labels))
    rng = np.random.default_rng(request["seed"])
    sampler = PatchSampler(cases, preprocessing["patchSize"], params["foregroundRatio"], rng)
    model.to(device).train()
    optimizer = torch.optim.AdamW(model.parameters(), lr=params["learningRate"], weight_decay=params["weightDecay"])
    steps = params["steps"]
    # nnU-Net's polynomial learning-rate decay.
    schedule = torch.optim.lr_scheduler.LambdaLR(optimizer, lambda step: (1 - step / steps) ** 0.9)
    losses = []
    for step in range(1, steps + 1):
        images, targets = sampler.sample(params["batchSize"])
        if params["augment"]:
            images = augment_intensity(images, rng)
        optimizer.zero_grad(set_to_none=True)
        loss, _ce = dice_ce_loss(model(images.to(device)), targets.to(device))
        if not torch.isfinite(loss):
            raise EngineError(f"training diverged at step {step} (loss {loss.item()}); lower params.learningRate")
        loss.backward()
        optimizer.step()
        schedule.step()
        losses.append(loss.item())
        if step % params["logEvery"] == 0 or step == steps:
            _log(f"step {step}/{steps} loss {np.mean(losses[-params['logEvery']:]):.4f}")
    tail = max(1, steps // 10)
    stats = {
        "network": config["name"],
        "steps": steps,
        "cases": len(cases),
        "finalLoss": float(np.mean(losses[-tail:])),
        "parameters": sum(p.numel() for p in model.parameters()),
        "device": str(device),
        "seconds": round(time.time() - started, 3),
        **origin,
    }
    save_checkpoint(request["checkpoint"], {
        "network": config,
        "classes": {str(k): v for k, v in request["classes"].items()},
        "preprocessing": preprocessing,
        "stateDict": {k: v.detach().cpu() for k, v in model.state_dict().items()},
        "training": stats,
    })
    return stats
