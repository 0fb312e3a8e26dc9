"""Independent numpy reference for the entropy and MC-dropout scores (tests compare to it).

usage: uncertainty_reference.py entropy MASK PROBS CLASSES_JSON
       uncertainty_reference.py mc-dropout MASK CLASSES_JSON PROBS...
PROBS: NIfTI 4D (x, y, z, class) or nnU-Net .npz (probabilities: class, z, y, x).
Prints JSON {"case": score, "organs": {name: score or null}}; higher = more certain.
"""
import json
import sys

import nibabel as nib
import numpy as np


def load_probs(path):
    if path.endswith(".npz"):
        p = np.load(path)["probabilities"].astype(np.float64)  # C, z, y, x
        return np.transpose(p, (3, 2, 1, 0))  # x, y, z, C
    return np.asanyarray(nib.load(path).dataobj).astype(np.float64)


def scores(per_voxel, mask, classes):
    organs = {}
    for label, name in classes.items():
        sel = mask == int(label)
        organs[name] = None if not sel.any() else float(-per_voxel[sel].mean())
    return {"case": float(-per_voxel.mean()), "organs": organs}


def main():
    kind = sys.argv[1]
    mask = np.asanyarray(nib.load(sys.argv[2]).dataobj).astype(np.int64)
    if kind == "entropy":
        p = load_probs(sys.argv[3])
        classes = json.loads(sys.argv[4])
        with np.errstate(divide="ignore", invalid="ignore"):
            h = np.where(p > 0, -p * np.log(p), 0.0).sum(axis=3)
        print(json.dumps(scores(h, mask, classes)))
    else:
        classes = json.loads(sys.argv[3])
        samples = np.stack([load_probs(path) for path in sys.argv[4:]])  # T, x, y, z, C
        u = samples.std(axis=0, ddof=0).mean(axis=3)
        print(json.dumps(scores(u, mask, classes)))


if __name__ == "__main__":
    main()
