"""Dice + cross-entropy, the loss of MONAI's SwinUNETR recipe (DiceCELoss) and of nnU-Net."""

import torch
import torch.nn.functional as F


def dice_ce_loss(logits, labels, smooth=1e-5):
    """Cross-entropy plus (1 - soft Dice) over the foreground classes, Dice computed over the
    whole batch. logits (B, C, x, y, z), labels (B, x, y, z) class indices."""
    ce = F.cross_entropy(logits, labels)
    probabilities = torch.softmax(logits, dim=1)
    onehot = F.one_hot(labels, logits.shape[1]).permute(0, 4, 1, 2, 3).to(probabilities.dtype)
    dims = (0, 2, 3, 4)
    intersection = (probabilities * onehot).sum(dims)
    denominator = probabilities.sum(dims) + onehot.sum(dims)
    dice = (2 * intersection + smooth) / (denominator + smooth)
    return ce + (1 - dice[1:].mean()), ce.item()
