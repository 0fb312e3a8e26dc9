"""Phantoms and their pseudo labels: `sentinel demo-data` and the reference engine, run as the
project's own CLIs (node, dist/ must be built with `npx tsc -p .`).

Pseudo labels of rising quality come from engine checkpoints trained for rising numbers of
steps on a labeled subset, as the paper used checkpoints of rising epochs.
"""

import json
import os
import shutil
import subprocess

from tool_error import ToolError

PACKAGE_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
SENTINEL = os.path.join(PACKAGE_ROOT, "dist", "src", "cli", "sentinel.js")
ENGINE = os.path.join(PACKAGE_ROOT, "dist", "engines", "reference", "main.js")
CONTRACT = "sentinel-engine/1"

# The phantom organs: label -> name (TotalSegmentator names), as src/phantom/organs.ts.
PHANTOM_CLASSES = {
    1: "liver", 2: "spleen", 3: "kidney_left", 4: "kidney_right", 5: "pancreas",
    6: "gallbladder", 7: "stomach", 8: "aorta", 9: "inferior_vena_cava",
}


def run_node(args, what):
    """Runs node with args; a failure is a ToolError with the tool's last output line."""
    node = shutil.which("node")
    if node is None:
        raise ToolError("node is not on PATH; it runs sentinel demo-data and the reference engine")
    for script in (SENTINEL, ENGINE):
        if args[0] == script and not os.path.isfile(script):
            raise ToolError(f"{script} not found; build the project first (npx tsc -p .)")
    result = subprocess.run([node, *args], capture_output=True, text=True)
    if result.returncode != 0:
        lines = (result.stderr or result.stdout).strip().splitlines()
        raise ToolError(f"{what} failed (exit {result.returncode}): {lines[-1] if lines else 'no output'}")
    return result.stdout


def make_phantoms(out, seed, count, labeled, size):
    """Makes (or reuses) `count` phantoms; returns [{id, image, label, labeled}] in case order."""
    pool = count - labeled - 1
    if pool < 0:
        raise ToolError(f"{count} phantoms cannot hold {labeled} labeled cases and one test case")
    run_node([SENTINEL, "demo-data", "--out", out, "--labeled", str(labeled), "--pool", str(pool),
              "--test", "1", "--seed", str(seed), "--size", size], f"demo-data seed {seed}")
    with open(os.path.join(out, "split.json"), encoding="utf-8") as handle:
        split = json.load(handle)
    cases = []
    for part, ids in (("labeled", split["labeled"]), ("pool", split["pool"]), ("test", split["test"])):
        folder = ("imagesTs", "labelsTs") if part == "test" else ("imagesTr", "labelsTr")
        for case_id in ids:
            cases.append({
                "id": case_id,
                "image": os.path.join(out, folder[0], f"{case_id}_0000.nii.gz"),
                "label": os.path.join(out, folder[1], f"{case_id}.nii.gz"),
                "labeled": part == "labeled",
            })
    return cases


def engine_request(path, request):
    """Writes a request JSON and runs the reference engine on it."""
    with open(path, "w", encoding="utf-8") as handle:
        json.dump(request, handle, indent=1)
    run_node([ENGINE, request["action"], "--request", path], f"reference engine {request['action']}")
    with open(request["response"], encoding="utf-8") as handle:
        return json.load(handle)


def train_engine(cases, steps, seed, workdir):
    """Trains a reference-engine network (model mlp: its quality rises with `steps` Adam steps,
    which is what gives the QS data masks of every quality) for `steps` steps (reused when present)."""
    checkpoint = os.path.join(workdir, f"engine-steps{steps}-seed{seed}.json")
    if os.path.isfile(checkpoint):
        return checkpoint
    os.makedirs(workdir, exist_ok=True)
    classes = {str(k): v for k, v in PHANTOM_CLASSES.items()}
    engine_request(os.path.join(workdir, f"train-steps{steps}.request.json"), {
        "contract": CONTRACT, "action": "train", "init": None,
        "cases": [{"id": c["id"], "image": c["image"], "label": c["label"]} for c in cases],
        "classes": classes, "seed": seed, "checkpoint": checkpoint,
        "response": os.path.join(workdir, f"train-steps{steps}.response.json"),
        "workdir": workdir, "params": {"model": "mlp", "steps": steps},
    })
    return checkpoint


def predict_engine(checkpoint, cases, out_dir, seed):
    """Pseudo label maps of the cases from a checkpoint; returns {case id: mask path}."""
    done = os.path.join(out_dir, "predict.response.json")
    if not os.path.isfile(done):
        os.makedirs(out_dir, exist_ok=True)
        engine_request(os.path.join(out_dir, "predict.request.json"), {
            "contract": CONTRACT, "action": "predict", "checkpoint": checkpoint,
            "cases": [{"id": c["id"], "image": c["image"]} for c in cases],
            "classes": {str(k): v for k, v in PHANTOM_CLASSES.items()}, "seed": seed,
            "outputDir": out_dir,
            "save": {"probabilities": False, "mcSamples": 0, "probabilityType": "float32"},
            "response": done, "workdir": out_dir, "params": {},
        })
    with open(done, encoding="utf-8") as handle:
        return {o["id"]: o["mask"] for o in json.load(handle)["outputs"]}


def pseudo_label_sets(cases, steps_list, seed, workdir):
    """For each step count: the engine trained on the labeled cases, then {id: mask} of all cases."""
    labeled = [c for c in cases if c["labeled"]]
    sets = []
    for steps in steps_list:
        checkpoint = train_engine(labeled, steps, seed, workdir)
        masks = predict_engine(checkpoint, cases, os.path.join(workdir, f"pred-steps{steps}"), seed)
        sets.append({"steps": steps, "checkpoint": checkpoint, "masks": masks})
    return sets
