"""Checks the reference preprocessing against the authors' torchvision transform chain.

  /usr/bin/python3 tools/qs/check_official_transforms.py --image ct.nii.gz --segmentations DIR

The authors run Clip_Rescale, ToPILImage, Resize((256, 256)), ToTensor and Normalize from
torchvision on each cropped slice; this rebuilds that chain and compares it with
preprocess.preprocess_slice on every selected slice of every non-empty mask. Prints JSON
{"slices", "maxAbsDiff"}; exits 1 when the difference exceeds 1e-6.
"""

import argparse
import json
import os
import sys

import numpy as np
from torchvision import transforms

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from bundle import OFFICIAL_PREPROCESSING  # noqa: E402
from preprocess import crop_box, preprocess_slice, read_volume, select_slices, slice_plane  # noqa: E402

MANIFEST = {**OFFICIAL_PREPROCESSING, "inputSize": 256}


def clip_rescale(array):
    """The authors' Clip_Rescale(-200, 200)."""
    array = np.clip(array.astype(np.float32), -200, 200)
    return (array - (-200)) / (200 - (-200))


def official_chains():
    """The authors' CT and mask transforms (torchvision 0.14 semantics)."""
    ct = transforms.Compose([clip_rescale, transforms.ToPILImage(), transforms.Resize((256, 256)),
                             transforms.ToTensor(), transforms.Normalize(mean=[0.5], std=[0.25])])
    mask = transforms.Compose([transforms.ToPILImage(), transforms.Resize((256, 256)),
                               transforms.ToTensor(), transforms.Normalize(mean=[0.5], std=[0.5])])
    return ct, mask


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--image", required=True)
    parser.add_argument("--segmentations", required=True)
    parser.add_argument("--limit", type=int, default=8, help="at most this many organs")
    args = parser.parse_args()
    ct_chain, mask_chain = official_chains()
    ct = read_volume(args.image)
    worst, count, organs = 0.0, 0, 0
    for file_name in sorted(os.listdir(args.segmentations)):
        mask = read_volume(os.path.join(args.segmentations, file_name)) > 0
        if not mask.any() or organs >= args.limit:
            continue
        organs += 1
        for k in select_slices(mask, 10):
            ct2d, mask2d = slice_plane(ct, k), slice_plane(mask, k).astype(np.float32)
            r0, r1, c0, c1 = crop_box(mask2d, 20)
            expected = np.concatenate([ct_chain(np.ascontiguousarray(ct2d[r0:r1, c0:c1])).numpy(),
                                       mask_chain(np.ascontiguousarray(mask2d[r0:r1, c0:c1])).numpy()])
            actual = preprocess_slice(ct2d, mask2d, MANIFEST)
            worst = max(worst, float(np.max(np.abs(actual - expected))))
            count += 1
    print(json.dumps({"organs": organs, "slices": count, "maxAbsDiff": worst}))
    return 0 if worst <= 1e-6 else 1


if __name__ == "__main__":
    sys.exit(main())
