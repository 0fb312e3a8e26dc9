#!/usr/bin/env python3
"""Checks Monte-Carlo dropout as the engine does it (networks.set_mc_dropout): samples with
different seeds differ, while normalisation layers stay in eval mode and their running
statistics are neither used from the batch nor updated. Prints one JSON object; exit 0.

  /usr/bin/python3 engines/torch/selftest_mc_dropout.py [--norm batch|instance]
"""

import argparse
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import torch  # noqa: E402
from torch import nn  # noqa: E402

from sentinel_torch.networks import SmallUNet3d, set_mc_dropout  # noqa: E402
from sentinel_torch.sliding_window import sliding_window_logits  # noqa: E402


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--norm", choices=("batch", "instance"), default="batch")
    args = parser.parse_args()
    torch.set_num_threads(1)
    torch.manual_seed(0)
    model = SmallUNet3d(1, 3, features=4, norm=args.norm, drop_rate=0.3)
    # A few training-mode passes so that BatchNorm's running statistics are not the defaults.
    model.train()
    with torch.no_grad():
        for _ in range(3):
            model(torch.rand(2, 1, 16, 16, 16) * 2)
    norms = [m for m in model.modules() if isinstance(m, nn.modules.batchnorm._NormBase)]
    dropouts = [m for m in model.modules() if isinstance(m, nn.modules.dropout._DropoutNd)]
    before = {k: v.clone() for k, v in model.state_dict().items()}
    set_mc_dropout(model)
    modes = {"normTraining": [m.training for m in norms], "dropoutTraining": [m.training for m in dropouts]}
    image = torch.rand(20, 20, 16)
    samples = []
    for seed in (11, 12, 11):
        torch.manual_seed(seed)
        samples.append(torch.softmax(sliding_window_logits(model, image, [16, 16, 16], 0.5, "gaussian", 2, 3), dim=0))
    model.eval()
    with torch.no_grad():
        deterministic = [torch.softmax(model(image[None, None, :16, :16, :16]), dim=1) for _ in range(2)]
    after = {k: v.clone() for k, v in model.state_dict().items()}
    running = [k for k in before if "running_" in k or "num_batches_tracked" in k]
    # Control: a pass in plain training mode does move BatchNorm's statistics.
    model.train()
    with torch.no_grad():
        model(image[None, None, :16, :16, :16])
    control = not all(torch.equal(after[k], v) for k, v in model.state_dict().items())
    print(json.dumps({
        "norm": args.norm,
        "normLayers": len(norms),
        "normTraining": modes["normTraining"],
        "normTracksRunningStats": [bool(m.track_running_stats) for m in norms],
        "runningStatistics": len(running),
        "stateUnchanged": all(torch.equal(before[k], after[k]) for k in before),
        "dropoutLayers": len(dropouts),
        "dropoutTraining": modes["dropoutTraining"],
        "trainModeChangesState": control,
        "sampleDifference": float((samples[0] - samples[1]).abs().max()),
        "sameSeedDifference": float((samples[0] - samples[2]).abs().max()),
        "evalDifference": float((deterministic[0] - deterministic[1]).abs().max()),
    }))


if __name__ == "__main__":
    main()
