#!/usr/bin/python3
"""Independent numpy/scipy references for src/metrics, used by test/metrics and bench/metrics-nsd.

Run with /usr/bin/python3 (Debian's numpy + scipy). Volumes are raw little-endian files with x
fastest, read as numpy arrays of shape (nz, ny, nx); spacing is given as sx sy sz and passed to
scipy as sampling (sz, sy, sx).

  edt    --features F --dims NX NY NZ --spacing SX SY SZ --out F
         distance (float64) from every voxel to the nearest non-zero voxel of F (uint8):
         scipy.ndimage.distance_transform_edt(features == 0, sampling=...)
  labels --pred F --truth F --dtype uint8 --dims .. --spacing .. --labels 1 2 .. [--tolerance 1]
         per label Dice and NSD, printed as JSON. NSD as MONAI's compute_surface_dice
         (use_subvoxels=False): crop to the union bounding box, border = scipy binary_erosion
         (default cross structure, border_value 0) XOR mask, distances by distance_transform_edt
         of the other border's complement, NSD = (#pred border within tol + #truth border within
         tol) / (#pred border + #truth border). Both empty: NaN; one empty: 0.
  stats  JSON on stdin {"x": [..], "y": [..], "a": [..], "b": [..]}: scipy.stats pearsonr,
         spearmanr, ttest_rel(a, b) and the 95% interval of mean(a - b), printed as JSON.
NaN is written as null.
"""
import argparse
import json
import math
import sys
import time

import numpy as np
from scipy import ndimage, stats


def clean(value):
    """JSON-safe float: NaN becomes None."""
    value = float(value)
    return None if math.isnan(value) else value


def read_volume(path, dtype, dims):
    nx, ny, nz = dims
    return np.fromfile(path, dtype=np.dtype(dtype).newbyteorder('<')).reshape(nz, ny, nx)


def sampling(spacing):
    sx, sy, sz = spacing
    return (sz, sy, sx)


def edt(args):
    features = read_volume(args.features, 'uint8', args.dims)
    dist = ndimage.distance_transform_edt(features == 0, sampling=sampling(args.spacing))
    np.asarray(dist, dtype='<f8').tofile(args.out)


def border(mask):
    return ndimage.binary_erosion(mask) ^ mask


def within(from_border, to_border, spacing, tolerance):
    dist = ndimage.distance_transform_edt(~to_border, sampling=sampling(spacing))
    return int(np.count_nonzero(dist[from_border] <= tolerance))


def label_metrics(pred, truth, label, spacing, tolerance):
    a = pred == label
    b = truth == label
    na, nb = int(a.sum()), int(b.sum())
    overlap = int(np.count_nonzero(a & b))
    dsc = math.nan if na + nb == 0 else 2.0 * overlap / (na + nb)
    counts = {'border_pred': 0, 'border_truth': 0, 'pred_within': 0, 'truth_within': 0}
    if na + nb > 0:
        idx = np.nonzero(a | b)
        box = tuple(slice(int(i.min()), int(i.max()) + 1) for i in idx)
        ea, eb = border(a[box]), border(b[box])
        counts['border_pred'] = int(ea.sum())
        counts['border_truth'] = int(eb.sum())
        if ea.any() and eb.any():
            counts['pred_within'] = within(ea, eb, spacing, tolerance)
            counts['truth_within'] = within(eb, ea, spacing, tolerance)
    total = counts['border_pred'] + counts['border_truth']
    nsd = math.nan if total == 0 else (counts['pred_within'] + counts['truth_within']) / total
    return {'dsc': clean(dsc), 'nsd': clean(nsd), 'pred_voxels': na, 'truth_voxels': nb, **counts}


def labels(args):
    pred = read_volume(args.pred, args.dtype, args.dims)
    truth = read_volume(args.truth, args.dtype, args.dims)
    start = time.perf_counter()
    result = {
        str(label): label_metrics(pred, truth, label, args.spacing, args.tolerance)
        for label in args.labels
    }
    seconds = time.perf_counter() - start
    json.dump({'labels': result, 'seconds': seconds}, sys.stdout)


def statistics(_args):
    data = json.load(sys.stdin)
    x, y = np.asarray(data['x'], float), np.asarray(data['y'], float)
    a, b = np.asarray(data['a'], float), np.asarray(data['b'], float)
    test = stats.ttest_rel(a, b)
    d = a - b
    n = len(d)
    half = stats.t.ppf(0.975, n - 1) * d.std(ddof=1) / math.sqrt(n)
    json.dump({
        'pearson': clean(stats.pearsonr(x, y)[0]),
        'spearman': clean(stats.spearmanr(x, y)[0]),
        't': clean(test.statistic),
        'p': clean(test.pvalue),
        'df': n - 1,
        'mean_difference': clean(d.mean()),
        'ci95': [clean(d.mean() - half), clean(d.mean() + half)],
    }, sys.stdout)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    sub = parser.add_subparsers(dest='command', required=True)
    e = sub.add_parser('edt')
    e.add_argument('--features', required=True)
    e.add_argument('--out', required=True)
    m = sub.add_parser('labels')
    m.add_argument('--pred', required=True)
    m.add_argument('--truth', required=True)
    m.add_argument('--dtype', default='uint8')
    m.add_argument('--labels', type=int, nargs='+', required=True)
    m.add_argument('--tolerance', type=float, default=1.0)
    for p in (e, m):
        p.add_argument('--dims', type=int, nargs=3, required=True)
        p.add_argument('--spacing', type=float, nargs=3, required=True)
    sub.add_parser('stats')
    args = parser.parse_args()
    {'edt': edt, 'labels': labels, 'stats': statistics}[args.command](args)


if __name__ == '__main__':
    main()
