"""The Quality Sentinel training loss (QS-INFERENCE.md "Training", the authors' train.py):
weighted MSE plus the optimal-pair ranking loss, lambda = 1."""

import numpy as np
import torch
import torch.nn.functional as F
from scipy.optimize import linear_sum_assignment

# Weighted MSE: (upper bound of the target interval, weight), first match wins; above 0.9: 1.
DICE_WEIGHTS = ((0.3, 7.0), (0.5, 5.0), (0.7, 3.0), (0.9, 2.0))


def sample_weights(targets):
    """The weight of each target Dice: 7 (<= 0.3), 5 (<= 0.5), 3 (<= 0.7), 2 (<= 0.9), else 1."""
    weights = torch.ones_like(targets)
    for bound, weight in reversed(DICE_WEIGHTS):
        weights[targets <= bound] = weight
    return weights


def weighted_mse_loss(predictions, targets):
    """Mean of the per-sample squared error times its Dice-interval weight."""
    return (F.mse_loss(predictions, targets, reduction="none") * sample_weights(targets)).mean()


def optimal_pairs(embeddings):
    """Pairs (i, j) of a linear-sum assignment maximising the total cosine similarity of the
    batch's class embeddings, the diagonal excluded (each sample paired with its most similar
    partner under a one-to-one matching; with one-hot classes, samples of the same class)."""
    normed = F.normalize(embeddings.detach().float(), p=2, dim=1)
    similarity = (normed @ normed.t()).cpu().numpy().astype(np.float64)
    cost = -similarity
    # A large finite cost keeps the diagonal out (scipy rejects matrices that are infeasible).
    np.fill_diagonal(cost, 1e6)
    rows, cols = linear_sum_assignment(cost)
    return torch.as_tensor(rows), torch.as_tensor(cols)


def optimal_pair_ranking_loss(predictions, targets, embeddings):
    """Mean over the optimal pairs of relu(-(p_i - p_j) * (y_i - y_j) + 1e-4)."""
    if predictions.shape[0] < 2:
        return predictions.sum() * 0.0
    rows, cols = optimal_pairs(embeddings)
    p = predictions.reshape(-1)
    y = targets.reshape(-1)
    return F.relu(-(p[rows] - p[cols]) * (y[rows] - y[cols]) + 1e-4).mean()


def quality_sentinel_loss(predictions, targets, embeddings, ranking_weight=1.0):
    """Weighted MSE + ranking_weight x ranking loss; returns (total, mse, ranking)."""
    mse = weighted_mse_loss(predictions, targets)
    ranking = optimal_pair_ranking_loss(predictions, targets, embeddings)
    return mse + ranking_weight * ranking, mse, ranking
