"""Training-time augmentation of network inputs [N, 2, S, S] (channel 0 CT, channel 1 mask,
both normalised). None of it changes the Dice target.

- flips along each image axis;
- CT contrast and brightness: the windowed CT v = 0.25 x + 0.5 becomes a v + b;
- CT smoothing: a Gaussian blur of the CT channel of some samples. Phantom CT is noisier and
  blotchier than real CT; the blur and the contrast changes keep the network from leaning on
  phantom texture, which is what transfers worst to real scans.
"""

import torch
import torch.nn.functional as F

# Normalisation of the CT channel (manifest normalisation.ct), to work on the windowed values.
CT_MEAN, CT_STD = 0.5, 0.25


def flip(batch, generator):
    """Random flips of the whole batch along each image axis."""
    if torch.rand(1, generator=generator).item() < 0.5:
        batch = torch.flip(batch, dims=[2])
    if torch.rand(1, generator=generator).item() < 0.5:
        batch = torch.flip(batch, dims=[3])
    return batch


def contrast(batch, generator, scale=0.15, shift=0.05):
    """CT v -> a v + b per sample, a in [1 - scale, 1 + scale], b in [-shift, shift]."""
    n = batch.shape[0]
    a = 1 + (torch.rand(n, 1, 1, generator=generator) * 2 - 1) * scale
    b = (torch.rand(n, 1, 1, generator=generator) * 2 - 1) * shift
    ct = batch[:, 0] * CT_STD + CT_MEAN
    out = batch.clone()
    out[:, 0] = ((a * ct + b) - CT_MEAN) / CT_STD
    return out


def gaussian_kernel(sigma, radius=2):
    """A normalised 1D Gaussian kernel of 2 radius + 1 taps."""
    x = torch.arange(-radius, radius + 1, dtype=torch.float32)
    kernel = torch.exp(-(x * x) / (2 * sigma * sigma))
    return kernel / kernel.sum()


def blur(batch, generator, share=0.3, sigmas=(0.5, 1.2)):
    """The CT channel of about `share` of the samples blurred by one random sigma (separable)."""
    chosen = torch.rand(batch.shape[0], generator=generator) < share
    if not chosen.any():
        return batch
    sigma = sigmas[0] + torch.rand(1, generator=generator).item() * (sigmas[1] - sigmas[0])
    kernel = gaussian_kernel(sigma)
    taps = kernel.numel()
    ct = batch[chosen, 0:1]
    ct = F.conv2d(F.pad(ct, (taps // 2, taps // 2, 0, 0), mode="replicate"), kernel.view(1, 1, 1, taps))
    ct = F.conv2d(F.pad(ct, (0, 0, taps // 2, taps // 2), mode="replicate"), kernel.view(1, 1, taps, 1))
    out = batch.clone()
    out[chosen, 0:1] = ct
    return out


def augment(batch, generator, level):
    """Applies the augmentation of a level: "none", "flip" or "full" (flip, contrast, blur)."""
    if level == "none":
        return batch
    batch = flip(batch, generator)
    if level == "full":
        batch = blur(contrast(batch, generator), generator)
    return batch
