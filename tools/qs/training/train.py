"""Trains the project's small QS model on data from make_training_data.py and exports a bundle
(issue 5, step 4).

  /usr/bin/python3 tools/qs/training/train.py --data runs/qs-training/data \
      --out models/qs-phantom [--backbone resnet18-w16] [--epochs 30] [--batch 128] [--seed 0]

The network is tools/qs/network.py's architecture on a narrow resnet18 body (small_network.py);
the class condition is a fixed one-hot vector per phantom organ, zero-padded to --embedding-size,
saved in the manifest. Loss = weighted MSE + the optimal-pair ranking loss (losses.py). Adam
(lr 1e-3, weight decay 1e-4) with a cosine schedule over all steps; after every epoch the
validation Pearson r (slice level, fixed inference margin) is measured and the best epoch kept.
The best weights are written to --checkpoint (a torch state_dict) and exported to --out as a QS
bundle (model.onnx checked against torch with onnxruntime-node, manifest.json).
"""

import argparse
import hashlib
import json
import os
import sys
import time

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path[:0] = [HERE, os.path.dirname(HERE)]

from augment import augment  # noqa: E402
from losses import quality_sentinel_loss  # noqa: E402
from phantom_bundle import one_hot_table, write_phantom_bundle  # noqa: E402
from small_network import build_small_network, parameter_count  # noqa: E402
from tool_error import ToolError, run_main  # noqa: E402

TOOL_VERSION = "1"


def parse_args(argv):
    """The trainer's command line."""
    p = argparse.ArgumentParser(description="Train the small QS model on phantom data and export a QS bundle.")
    p.add_argument("--data", required=True, help="folder written by make_training_data.py")
    p.add_argument("--out", required=True, help="bundle folder to write (model.onnx, manifest.json)")
    p.add_argument("--checkpoint", default=None, help="where to save the best state_dict (default: DATA/best.pth)")
    p.add_argument("--backbone", default="resnet18-w16", help="resnet18-wN: resnet18 layout, base width N")
    p.add_argument("--init", default=None, help="start from these weights (a state_dict of --backbone written by this tool) instead of random ones: fine-tuning")
    p.add_argument("--embedding-size", type=int, default=16)
    p.add_argument("--epochs", type=int, default=30)
    p.add_argument("--batch", type=int, default=128)
    p.add_argument("--lr", type=float, default=1e-3)
    p.add_argument("--weight-decay", type=float, default=1e-4)
    p.add_argument("--augment", default="full", choices=["none", "flip", "full"], help="flip: random flips; full: flips, CT contrast and blur (augment.py)")
    p.add_argument("--ranking-weight", type=float, default=1.0)
    p.add_argument("--max-steps", type=int, default=0, help="stop after this many steps in all (0: no limit; for smoke tests)")
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--name", default="sentinel-qs-phantom")
    p.add_argument("--skip-verify", action="store_true", help="do not check the ONNX with onnxruntime-node")
    return p.parse_args(argv)


def load_part(data, report, part):
    """The inputs (float16), Dice targets and labels of one part (train/val) of the data."""
    inputs, dice, labels = [], [], []
    for shard in report["parts"][part]["shards"]:
        with np.load(os.path.join(data, shard)) as npz:
            inputs.append(npz["inputs"])
            dice.append(npz["dice"])
            labels.append(npz["label"])
    return np.concatenate(inputs), np.concatenate(dice).astype(np.float32), np.concatenate(labels).astype(int)


def sha256_of(path):
    """The SHA-256 of a file, hex."""
    with open(path, "rb") as handle:
        return hashlib.sha256(handle.read()).hexdigest()


def read_data(data):
    """data.json and its SHA-256, with a clear error when the folder is not training data."""
    path = os.path.join(data, "data.json")
    if not os.path.isfile(path):
        raise ToolError(f"{path} not found; make the data first (tools/qs/training/make_training_data.py)")
    with open(path, "rb") as handle:
        raw = handle.read()
    return json.loads(raw), hashlib.sha256(raw).hexdigest()


def predict(model, inputs, embeddings, batch=256):
    """Model outputs [n] for float16 inputs, in eval mode."""
    model.eval()
    outputs = []
    with torch.no_grad():
        for start in range(0, len(inputs), batch):
            x = torch.from_numpy(inputs[start:start + batch].astype(np.float32))
            outputs.append(model(x, embeddings[start:start + batch]).reshape(-1))
    return torch.cat(outputs).numpy()


def pearson(x, y):
    """Pearson r (NaN when either side is constant)."""
    if len(x) < 2 or np.std(x) == 0 or np.std(y) == 0:
        return float("nan")
    return float(np.corrcoef(x, y)[0, 1])


def load_initial_weights(model, path, backbone):
    """Loads the fine-tuning start weights, with a clear error for a missing or other-shaped file."""
    if not os.path.isfile(path):
        raise ToolError(f"--init {path} not found")
    try:
        model.load_state_dict(torch.load(path, map_location="cpu"))
    except RuntimeError as error:
        lines = [line.strip() for line in str(error).strip().splitlines()]
        first = next((line for line in lines[1:] if line), lines[0])  # the first mismatch
        raise ToolError(f"--init {path} is not a {backbone} state_dict: {first}") from None


def train(args, train_set, val_set, table):
    """The training loop; returns (best state_dict, history, best epoch, best r, steps)."""
    torch.manual_seed(args.seed)
    generator = torch.Generator().manual_seed(args.seed)
    rng = np.random.default_rng(args.seed)
    model = build_small_network(args.backbone, args.embedding_size, seed=args.seed)
    if args.init:
        load_initial_weights(model, args.init, args.backbone)
    x_train, y_train, l_train = train_set
    x_val, y_val, l_val = val_set
    vectors = torch.from_numpy(np.stack([table[k] for k in sorted(table)]))
    e_train = vectors[torch.from_numpy(l_train - 1)]
    e_val = vectors[torch.from_numpy(l_val - 1)]
    steps_per_epoch = max(1, int(np.ceil(len(y_train) / args.batch)))
    total = steps_per_epoch * args.epochs
    if args.max_steps:
        total = min(total, args.max_steps)
    optimizer = torch.optim.Adam(model.parameters(), lr=args.lr, weight_decay=args.weight_decay)
    scheduler = torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=total)
    best = (None, -np.inf, 0)
    history, step = [], 0
    for epoch in range(1, args.epochs + 1):
        model.train()
        order = rng.permutation(len(y_train))
        started, sums = time.time(), np.zeros(3)
        for start in range(0, len(order), args.batch):
            if step >= total:
                break
            index = order[start:start + args.batch]
            if len(index) < 2:
                continue
            x = augment(torch.from_numpy(x_train[index].astype(np.float32)), generator, args.augment)
            y = torch.from_numpy(y_train[index]).reshape(-1, 1)
            e = e_train[torch.from_numpy(index)]
            loss, mse, ranking = quality_sentinel_loss(model(x, e), y, e, args.ranking_weight)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            scheduler.step()
            step += 1
            sums += (loss.item(), mse.item(), ranking.item())
            if step % 20 == 0:
                print(f"  epoch {epoch} step {step}/{total} loss {loss.item():.4f} (mse {mse.item():.4f}, rank {ranking.item():.5f})", flush=True)
        batches = max(1, int(np.ceil(min(len(order), (total - (epoch - 1) * steps_per_epoch) * args.batch) / args.batch)))
        predicted = predict(model, x_val, e_val)
        r = pearson(predicted, y_val)
        mae = float(np.mean(np.abs(predicted - y_val)))
        row = {"epoch": epoch, "steps": step, "loss": round(sums[0] / batches, 5), "mse": round(sums[1] / batches, 5),
               "ranking": round(sums[2] / batches, 6), "valPearson": round(r, 4), "valMae": round(mae, 4),
               "seconds": round(time.time() - started, 1)}
        history.append(row)
        print(f"epoch {epoch}: {json.dumps(row)}", flush=True)
        if r > best[1]:
            best = ({k: v.detach().clone() for k, v in model.state_dict().items()}, r, epoch)
        if step >= total:
            break
    if best[0] is None:  # validation r undefined (tiny data): keep the last weights
        best = (model.state_dict(), float("nan"), len(history))
    return best[0], history, best[2], best[1], step, model


def main(argv=None):
    args = parse_args(argv)
    torch.set_num_threads(args.threads)
    report, data_sha = read_data(args.data)
    input_size = report["preprocessing"]["inputSize"]
    table = one_hot_table(args.embedding_size)
    train_set = load_part(args.data, report, "train")
    val_set = load_part(args.data, report, "val")
    print(f"{len(train_set[1])} training and {len(val_set[1])} validation samples of {input_size}x{input_size}", flush=True)
    started = time.time()
    state, history, best_epoch, best_r, steps, model = train(args, train_set, val_set, table)
    seconds = round(time.time() - started, 1)
    model.load_state_dict(state)
    model.eval()
    checkpoint = args.checkpoint or os.path.join(args.data, "best.pth")
    torch.save(model.state_dict(), checkpoint)
    with open(checkpoint, "rb") as handle:
        checkpoint_sha = hashlib.sha256(handle.read()).hexdigest()
    provenance = {
        "source": "trained by the project on synthetic phantoms (tools/qs/training/train.py)",
        "tool": "tools/qs/training/train.py", "toolVersion": TOOL_VERSION,
        "checkpointFile": os.path.basename(checkpoint), "checkpointSha256": checkpoint_sha,
        "training": {
            "args": {k: v for k, v in vars(args).items() if k not in ("out", "checkpoint", "data")},
            "dataSha256": data_sha, "initSha256": sha256_of(args.init) if args.init else None, "dataArgs": report["args"], "samples": len(train_set[1]),
            "valSamples": len(val_set[1]), "steps": steps, "bestEpoch": best_epoch,
            "bestValPearson": round(best_r, 4), "seconds": seconds, "parameters": parameter_count(model),
            "classCondition": f"one-hot of the phantom label (row label-1), zero-padded to {args.embedding_size}",
            "history": history,
        },
    }
    write_phantom_bundle(model, args.out, args.name, args.backbone, input_size, table, provenance, verify=not args.skip_verify)
    print(f"best epoch {best_epoch} (validation Pearson r {best_r:.4f}); {steps} steps in {seconds} s")
    print(f"wrote {args.out}/model.onnx and {args.out}/manifest.json; weights in {checkpoint}")
    return 0


if __name__ == "__main__":
    run_main(main)
