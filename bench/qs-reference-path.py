"""The Python reference QS path (torch + Pillow) timed for bench/qs-throughput.ts.

  /usr/bin/python3 bench/qs-reference-path.py --bundle DIR --checkpoint FILE --image CT
      --segmentations DIR [--organs a,b] [--repeat R] [--rounds 2]

Runs the loop of tools/qs/reference_inference.py (read the CT, then per organ: read its mask,
preprocess, run torch) with that tool's own functions, R times per round, and prints JSON with
the wall and CPU seconds of the best round (model loading excluded, as the TypeScript side
excludes session creation; best of --rounds, as the TypeScript side takes, so the first round's
one-off start-up costs are not counted), the slice count of a round, torch's thread count and
the per-organ scores of the last repeat. The checkpoint may hold random weights of the bundle's
backbone (tools/qs/make_random_checkpoint.py): the timing does not depend on the weights.
"""

import argparse
import json
import os
import sys
import time

import torch

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
sys.path.insert(0, os.path.join(ROOT, "tools", "qs"))

from bundle import find_class, read_manifest  # noqa: E402
from checkpoint import load_network  # noqa: E402
from preprocess import read_volume  # noqa: E402
from reference_inference import iter_segmentation_masks, score_organ  # noqa: E402


def run_once(model, manifest, args, wanted):
    timing = {"loadSeconds": 0.0, "preprocessSeconds": 0.0, "inferenceSeconds": 0.0, "slices": 0}
    ct = read_volume(args.image)
    scores = {}
    for organ, read_mask in iter_segmentation_masks(args.segmentations):
        if wanted is not None and organ not in wanted:
            continue
        entry = find_class(manifest, organ)
        if entry is None:
            scores[organ] = None
            continue
        scores[organ] = score_organ(model, ct, read_mask(), entry, manifest, timing)["score"]
    return timing["slices"], scores


def main():
    parser = argparse.ArgumentParser()
    for name in ("--bundle", "--checkpoint", "--image", "--segmentations"):
        parser.add_argument(name, required=True)
    parser.add_argument("--organs", default=None)
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    manifest = read_manifest(args.bundle)
    model = load_network(args.checkpoint, manifest["backbone"], manifest["embeddingSize"])
    wanted = set(args.organs.split(",")) if args.organs else None
    best_wall = best_cpu = float("inf")
    for _ in range(max(1, args.rounds)):
        wall = time.perf_counter()
        cpu = time.process_time()
        slices = 0
        scores = {}
        for _ in range(args.repeat):
            n, scores = run_once(model, manifest, args, wanted)
            slices += n
        best_wall = min(best_wall, time.perf_counter() - wall)
        best_cpu = min(best_cpu, time.process_time() - cpu)
    print(json.dumps({
        "wallSeconds": best_wall,
        "cpuSeconds": best_cpu,
        "slices": slices,
        "threads": torch.get_num_threads(),
        "scores": scores,
    }))


if __name__ == "__main__":
    main()
