"""Balancing the Dice distribution of training samples, so that near-perfect slices (the bulk of
what good pseudo labels give) do not swamp the rare poor ones."""

import numpy as np

# Dice bins of width 0.1 over [0, 1] (a Dice of exactly 1 falls in the last bin).
BIN_COUNT = 10


def dice_bins(dice):
    """The bin index 0..9 of each Dice value."""
    return np.minimum((np.asarray(dice) * BIN_COUNT).astype(int), BIN_COUNT - 1)


def bin_quotas(counts, total, max_share):
    """How many samples to take per bin: as even as the counts allow ("water filling"), no bin
    above max_share of the total, and no more than `total` in all."""
    counts = np.asarray(counts, dtype=int)
    cap = max(1, int(np.floor(max_share * total)))
    target = min(total, int(np.minimum(counts, cap).sum()))
    low, high = 0, cap
    while low < high:  # the largest per-bin quota q with sum(min(counts, q)) <= target
        middle = (low + high + 1) // 2
        if np.minimum(counts, middle).sum() <= target:
            low = middle
        else:
            high = middle - 1
    quotas = np.minimum(counts, low)
    spare = target - int(quotas.sum())
    for b in np.argsort(-(counts - quotas)):  # hand out the remainder one by one
        if spare <= 0:
            break
        if quotas[b] < min(counts[b], cap):
            quotas[b] += 1
            spare -= 1
    return quotas


def balanced_selection(dice, total, max_share, rng):
    """Indices of a Dice-balanced subset of about `total` samples, in random order."""
    bins = dice_bins(dice)
    counts = np.bincount(bins, minlength=BIN_COUNT)
    quotas = bin_quotas(counts, total, max_share)
    chosen = [rng.permutation(np.flatnonzero(bins == b))[:q] for b, q in enumerate(quotas)]
    return rng.permutation(np.concatenate(chosen).astype(int))


def histogram(dice):
    """Counts per Dice bin, as a list (for data.json and the card)."""
    return [int(x) for x in np.bincount(dice_bins(dice), minlength=BIN_COUNT)]
