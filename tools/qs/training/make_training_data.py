"""Makes the training data of the project's small QS model from phantoms (issue 5, step 3).

  /usr/bin/python3 tools/qs/training/make_training_data.py --work runs/qs-training/work \
      --out runs/qs-training/data [--sets 1001:40:8:64x64x40,1002:20:6:96x96x56,1003:20:5:96x96x56] \
      [--engine-steps 150,250,400,700,1200,2500] [--seed 0] ...

1. Phantoms: `sentinel demo-data` per set (SEED:COUNT:LABELED:SIZE).
2. Pseudo labels of rising quality: the reference engine trained on each set's labeled cases
   for rising numbers of steps predicts every case; plus random morphological degradations
   (erosion, dilation, shifts, missing slices, merged neighbours, blobs) of the true masks and
   sometimes of an engine's mask.
3. Samples as QS-INFERENCE.md "Training": a slice of each pseudo label where prediction and
   truth overlap (>= --min-overlap voxels; a share --empty-share of crops comes from predicted
   slices with no truth overlap, which inference scores too), cropped around the predicted mask
   with random per-axis margins in [10, max(10, (R - extent) // 2)], R = --margin-reference x
   the slice width; target = the 2D Dice inside the crop. Validation cases (whole phantoms,
   --val-share) get the fixed inference margin instead, as the authors' validation did.
4. The Dice distribution is balanced (bins of 0.1, no bin above --max-bin-share), then written
   as .npz shards (inputs float16 [n, 2, S, S], dice, label) with data.json describing it all.
Everything is drawn from --seed; reruns with the same arguments give the same data.
"""

import argparse
import json
import os
import sys
import time

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path[:0] = [HERE, os.path.dirname(HERE)]

from bundle import OFFICIAL_PREPROCESSING  # noqa: E402
from mask_sources import case_mask_sources, dice_3d, parse_phantom_sets, prepare_phantom_sets  # noqa: E402
from phantom_engine import PHANTOM_CLASSES  # noqa: E402
from preprocess import read_volume, slice_plane  # noqa: E402
from sample_balance import balanced_selection, histogram  # noqa: E402
from slice_samples import draw_slice_crops, network_input  # noqa: E402
from tool_error import ToolError, run_main  # noqa: E402

DATA_FORMAT = "sentinel-qs-training-data/1"


def parse_args(argv):
    """The data maker's command line."""
    p = argparse.ArgumentParser(description="Make QS training samples from phantoms and engine pseudo labels.")
    p.add_argument("--work", required=True, help="folder for phantoms, engine checkpoints and predictions (reused)")
    p.add_argument("--out", required=True, help="folder for the .npz shards and data.json")
    p.add_argument("--sets", default="1001:40:8:64x64x40,1002:20:6:96x96x56,1003:20:5:96x96x56", help="phantom sets SEED:COUNT:LABELED:SIZE, comma-separated")
    p.add_argument("--engine-steps", default="150,250,400,700,1200,2500", help="engine training steps of the checkpoints")
    p.add_argument("--engine-seed", type=int, default=7)
    p.add_argument("--degradations", type=int, default=6, help="random degradations per organ and case")
    p.add_argument("--fine-radii", default="", help="also the true masks and their in-plane erosion and dilation by these radii, comma-separated (empty: none)")
    p.add_argument("--crops", type=int, default=4, help="crops drawn per pseudo-label organ mask")
    p.add_argument("--samples", type=int, default=24000, help="training samples kept after balancing")
    p.add_argument("--val-samples", type=int, default=3000)
    p.add_argument("--val-share", type=float, default=0.15, help="share of phantoms kept for validation")
    p.add_argument("--max-bin-share", type=float, default=0.2, help="most samples any Dice bin of 0.1 may hold")
    p.add_argument("--min-overlap", type=int, default=1, help="voxels of overlap for a slice to be sampled (paper: 20 on 512^2)")
    p.add_argument("--empty-share", type=float, default=0.1, help="share of crops from predicted slices without overlap")
    p.add_argument("--margin-reference", type=float, default=1.5, help="R / slice width in the random margin bound (paper: 256 on 512)")
    p.add_argument("--input-size", type=int, default=64)
    p.add_argument("--shard-size", type=int, default=2000)
    p.add_argument("--seed", type=int, default=0)
    return p.parse_args(argv)


def parse_radii(text):
    """ "1,2" -> (1, 2); "" -> (); a radius below 1 or not a number is an error."""
    radii = tuple(int(r) for r in text.split(",") if r.strip())
    if any(r < 1 for r in radii):
        raise ValueError(f"fine radii must be 1 or more: {text!r}")
    return radii


def collect_samples(cases, args, params, rng, validation):
    """Every crop of every pseudo label of the cases: inputs, Dice, labels, source descriptions."""
    fine_radii = parse_radii(args.fine_radii)
    inputs, dice, labels, where, sources, organ_dice = [], [], [], [], [], []
    options = {"minOverlap": args.min_overlap, "emptyShare": args.empty_share,
               "fixedMargin": params["cropMargin"] if validation else None}
    for number, case in enumerate(cases):
        ct = read_volume(case["image"])
        options["marginReference"] = args.margin_reference * ct.shape[0]
        for source, label, pred, truth in case_mask_sources(case, args.degradations, rng, fine_radii=fine_radii):
            organ_dice.append({"case": case["id"], "set": case["set"], "source": source, "label": label,
                               "dice": dice_3d(pred, truth)})
            for z, box, value in draw_slice_crops(pred, truth, rng, args.crops, options):
                inputs.append(network_input(slice_plane(ct, z), slice_plane(pred, z), box, params).astype(np.float16))
                dice.append(value)
                labels.append(label)
                where.append(f"{case['set']}/{case['id']}/z{z}")
                sources.append(source)
        print(f"  {'val' if validation else 'train'} {number + 1}/{len(cases)} {case['set']}/{case['id']}: {len(dice)} crops", flush=True)
    return {"inputs": inputs, "dice": np.asarray(dice, dtype=np.float32), "labels": np.asarray(labels, dtype=np.int16),
            "where": where, "sources": sources, "organDice": organ_dice}


def write_shards(out, prefix, samples, chosen, shard_size):
    """Writes the chosen samples as PREFIX-NNN.npz shards; returns the file names."""
    names = []
    for start in range(0, len(chosen), shard_size):
        part = chosen[start:start + shard_size]
        name = f"{prefix}-{start // shard_size:03d}.npz"
        np.savez(os.path.join(out, name),
                 inputs=np.stack([samples["inputs"][i] for i in part]),
                 dice=samples["dice"][part], label=samples["labels"][part],
                 where=np.asarray([samples["where"][i] for i in part]),
                 source=np.asarray([samples["sources"][i] for i in part]))
        names.append(name)
    return names


def engine_quality(organ_dice):
    """Mean 3D Dice (true masks present) per pseudo-label kind, for data.json and the card."""
    groups = {}
    for row in organ_dice:
        source = row["source"]
        kind = source if source.startswith("engine") else "fine" if source.startswith("fine") else "degradations"
        if not np.isnan(row["dice"]):
            groups.setdefault(kind, []).append(row["dice"])
    return {k: {"organs": len(v), "meanDice": round(float(np.mean(v)), 4)} for k, v in sorted(groups.items())}


def main(argv=None):
    args = parse_args(argv)
    started = time.time()
    try:
        sets = parse_phantom_sets(args.sets)
        steps = [int(s) for s in args.engine_steps.split(",") if s.strip()]
        parse_radii(args.fine_radii)
    except ValueError as error:
        raise ToolError(str(error)) from None
    os.makedirs(args.work, exist_ok=True)
    os.makedirs(args.out, exist_ok=True)
    params = {"inputSize": args.input_size, **OFFICIAL_PREPROCESSING}
    print(f"phantoms and engine pseudo labels in {args.work} ...", flush=True)
    cases = prepare_phantom_sets(sets, steps, args.engine_seed, os.path.abspath(args.work))
    rng = np.random.default_rng(args.seed)
    order = rng.permutation(len(cases))
    val_count = max(1, int(round(len(cases) * args.val_share)))
    val_cases = [cases[i] for i in sorted(order[:val_count])]
    train_cases = [cases[i] for i in sorted(order[val_count:])]
    report = {"format": DATA_FORMAT, "args": vars(args), "preprocessing": params,
              "classes": {str(k): v for k, v in PHANTOM_CLASSES.items()}, "parts": {}}
    for part, part_cases, total in (("train", train_cases, args.samples), ("val", val_cases, args.val_samples)):
        print(f"{part}: {len(part_cases)} phantoms", flush=True)
        samples = collect_samples(part_cases, args, params, rng, validation=part == "val")
        if len(samples["dice"]) == 0:
            raise ToolError(f"no {part} samples: every pseudo label missed its organ")
        chosen = balanced_selection(samples["dice"], total, args.max_bin_share, rng)
        shards = write_shards(args.out, part, samples, chosen, args.shard_size)
        report["parts"][part] = {
            "cases": [f"{c['set']}/{c['id']}" for c in part_cases], "shards": shards,
            "candidates": len(samples["dice"]), "samples": len(chosen),
            "diceHistogramCandidates": histogram(samples["dice"]),
            "diceHistogram": histogram(samples["dice"][chosen]),
            "pseudoLabelQuality": engine_quality(samples["organDice"]),
        }
        print(f"{part}: {len(chosen)} of {len(samples['dice'])} crops kept; Dice bins {histogram(samples['dice'][chosen])}", flush=True)
    report["seconds"] = round(time.time() - started, 1)
    with open(os.path.join(args.out, "data.json"), "w", encoding="utf-8") as handle:
        json.dump(report, handle, indent=1)
    print(f"wrote {args.out}/data.json in {report['seconds']} s")
    return 0


if __name__ == "__main__":
    run_main(main)
