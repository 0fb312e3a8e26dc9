#!/usr/bin/env python3
"""SwinUNETR's CPU costs for one (feature_size, patch) in this process, as the torch engine runs
it: one training step (AdamW, Dice + CE, batch 1), predicting one case through MONAI's
sliding_window_inference (overlap 0.5, Gaussian blending) for each image given, and T = 3
MC-dropout passes over the first. Prints one JSON line, peak RSS (VmHWM) included; driven by
bench/swinunetr.ts, one process per setting.

  PYTHONPATH=<monai> python3 bench/swinunetr.py --feature-size 12 --patch 64 IMAGE [IMAGE...]
"""

import argparse
import json
import os
import sys
import time
import warnings

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "engines", "torch"))

import torch  # noqa: E402

from sentinel_torch.losses import dice_ce_loss  # noqa: E402
from sentinel_torch.monai_inference import monai_sliding_window_logits  # noqa: E402
from sentinel_torch.networks import build_network, set_mc_dropout  # noqa: E402
from sentinel_torch.nifti_io import load_image  # noqa: E402
from sentinel_torch.preprocessing import Grid, prepare_image  # noqa: E402

CLASSES = 14  # 13 organs + background, as MONAI's BTCV recipe


def timed(work):
    """(result, wall seconds, CPU seconds of this process) of work()."""
    wall, cpu = time.perf_counter(), time.process_time()
    result = work()
    return result, round(time.perf_counter() - wall, 2), round(time.process_time() - cpu, 2)


def peak_rss_bytes():
    with open("/proc/self/status", encoding="utf8") as status:
        line = next(line for line in status if line.startswith("VmHWM:"))
    return int(line.split()[1]) * 1024


def windows(shape, patch, overlap=0.5):
    count = 1
    for size in shape:
        step = max(int(patch * (1 - overlap)), 1)
        count *= 1 if size <= patch else -(-(size - patch) // step) + 1
    return count


def train_step(model, patch):
    model.train()
    optimizer = torch.optim.AdamW(model.parameters(), lr=1e-4, weight_decay=1e-5)
    images = torch.rand(1, 1, patch, patch, patch)
    labels = torch.randint(0, CLASSES, (1, patch, patch, patch))

    def step():
        optimizer.zero_grad(set_to_none=True)
        loss, _ = dice_ce_loss(model(images), labels)
        loss.backward()
        optimizer.step()

    _, wall, cpu = timed(step)
    return {"batch": 1, "wallSeconds": wall, "cpuSeconds": cpu}


def predict_case(model, image, patch, passes=1):
    def run():
        for _ in range(passes):
            torch.softmax(monai_sliding_window_logits(model, image, [patch] * 3, 0.5, "gaussian", 1, CLASSES), dim=0)

    _, wall, cpu = timed(run)
    shape = list(image.shape)
    return {"shape": shape, "windows": windows(shape, patch) * passes, "wallSeconds": wall, "cpuSeconds": cpu}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--feature-size", type=int, required=True)
    parser.add_argument("--patch", type=int, required=True)
    parser.add_argument("images", nargs="+")
    args = parser.parse_args()
    warnings.filterwarnings("ignore")
    torch.manual_seed(0)
    config = {"name": "swinunetr", "outChannels": CLASSES, "featureSize": args.feature_size, "dropRate": 0.1, "imgSize": [args.patch] * 3}
    model = build_network(config)
    result = {"featureSize": args.feature_size, "patch": args.patch, "threads": torch.get_num_threads(), "torch": torch.__version__}
    result["parameters"] = sum(p.numel() for p in model.parameters())
    result["trainStep"] = train_step(model, args.patch)
    model.eval()
    images = []
    for path in args.images:
        nifti, data = load_image(path)
        images.append(torch.from_numpy(prepare_image(data, Grid(nifti, None), [-175.0, 250.0])))
    result["predict"] = [predict_case(model, image, args.patch) for image in images]
    set_mc_dropout(model)
    result["mc3"] = predict_case(model, images[0], args.patch, passes=3)
    result["peakRssBytes"] = peak_rss_bytes()
    print(json.dumps(result))


if __name__ == "__main__":
    main()
