"""Sliding-window inference through MONAI's own sliding_window_inference (the SwinUNETR path,
as the paper's recipe runs it): windows of the patch size, the given overlap, logits blended
with MONAI's Gaussian (sigma = window/8) or constant importance map."""

import torch


@torch.no_grad()
def monai_sliding_window_logits(model, image, window, overlap, blending, batch_size, out_channels):
    """Logits (C, x, y, z) for an image (x, y, z) tensor already on the model's device; the
    same signature as sliding_window.sliding_window_logits."""
    from monai.inferers import sliding_window_inference

    logits = sliding_window_inference(
        image[None, None], roi_size=tuple(window), sw_batch_size=batch_size, predictor=model,
        overlap=overlap, mode=blending,
    )
    if logits.shape[1] != out_channels:
        raise AssertionError(f"the network gave {logits.shape[1]} channels, expected {out_channels}")
    return torch.as_tensor(logits[0])
