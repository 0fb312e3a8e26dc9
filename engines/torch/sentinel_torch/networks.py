"""The networks the engine trains: a small 3D U-Net written with torch alone (runs anywhere,
CPU included) and MONAI's SwinUNETR. params.network chooses; nothing else differs."""

import inspect
import warnings

import torch
from torch import nn

from .contract import EngineError


class ConvBlock(nn.Sequential):
    """Two 3x3x3 convolutions, each followed by normalisation and LeakyReLU."""

    def __init__(self, in_channels, out_channels, norm):
        layers = []
        for channels_in in (in_channels, out_channels):
            layers.append(nn.Conv3d(channels_in, out_channels, 3, padding=1, bias=False))
            layers.append(nn.BatchNorm3d(out_channels) if norm == "batch" else nn.InstanceNorm3d(out_channels, affine=True))
            layers.append(nn.LeakyReLU(0.01, inplace=True))
        super().__init__(*layers)


class SmallUNet3d(nn.Module):
    """A 3-level 3D U-Net (features f, 2f, 4f; ~85k parameters at f=8) with dropout before the
    last convolution, so Monte-Carlo dropout has something to sample. Inputs need sizes
    divisible by 4."""

    def __init__(self, in_channels, out_channels, features=8, norm="batch", drop_rate=0.2):
        super().__init__()
        f = features
        self.enc1 = ConvBlock(in_channels, f, norm)
        self.enc2 = ConvBlock(f, 2 * f, norm)
        self.bottom = ConvBlock(2 * f, 4 * f, norm)
        self.pool = nn.MaxPool3d(2)
        self.up2 = nn.ConvTranspose3d(4 * f, 2 * f, 2, stride=2)
        self.dec2 = ConvBlock(4 * f, 2 * f, norm)
        self.up1 = nn.ConvTranspose3d(2 * f, f, 2, stride=2)
        self.dec1 = ConvBlock(2 * f, f, norm)
        self.dropout = nn.Dropout(drop_rate)
        self.head = nn.Conv3d(f, out_channels, 1)

    def forward(self, x):
        e1 = self.enc1(x)
        e2 = self.enc2(self.pool(e1))
        b = self.bottom(self.pool(e2))
        d2 = self.dec2(torch.cat([self.up2(b), e2], dim=1))
        d1 = self.dec1(torch.cat([self.up1(d2), e1], dim=1))
        return self.head(self.dropout(d1))


def network_config(params, out_channels):
    """The settings that rebuild a network (stored in checkpoints)."""
    if params["network"] == "unet":
        config = {"features": params["features"], "norm": params["norm"]}
    else:
        config = {"featureSize": params["featureSize"], "imgSize": params["patchSize"]}
    return {"name": params["network"], "outChannels": out_channels, "dropRate": params["dropRate"], **config}


def build_network(config):
    """A fresh network from a network_config."""
    if config["name"] == "unet":
        return SmallUNet3d(1, config["outChannels"], config["features"], config["norm"], config["dropRate"])
    if config["name"] == "swinunetr":
        return _build_swinunetr(config)
    raise EngineError(f"unknown network {config['name']!r} (valid: unet, swinunetr)")


def _build_swinunetr(config):
    try:
        from monai.networks.nets import SwinUNETR
    except ImportError as error:
        raise EngineError(
            f"network swinunetr needs MONAI, which this Python cannot import ({error}); "
            "install it with `pip install monai` (MONAI >= 1.3) or use params.network: unet"
        ) from None
    kwargs = {"in_channels": 1, "out_channels": config["outChannels"], "feature_size": config["featureSize"], "drop_rate": config["dropRate"]}
    # MONAI 1.3 and 1.4 still require img_size (deprecated, a FutureWarning); 1.5 removed it.
    # Pass it only where it is required, and without the warning: the input size is checked
    # by params.py (patch rule) either way.
    img_size = inspect.signature(SwinUNETR.__init__).parameters.get("img_size")
    if img_size is not None and img_size.default is inspect.Parameter.empty:
        kwargs["img_size"] = tuple(config["imgSize"])
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=".*img_size.*", category=FutureWarning)
        return SwinUNETR(**kwargs)


def is_stochastic_layer(module):
    """Dropout layers and stochastic depth (MONAI's and timm's DropPath): what MC dropout samples."""
    return isinstance(module, nn.modules.dropout._DropoutNd) or type(module).__name__ == "DropPath"


def set_mc_dropout(model):
    """Evaluation mode everywhere except the dropout and DropPath layers, which sample
    (Monte-Carlo dropout). Normalisation layers stay in eval, so their running statistics are
    used and never updated."""
    model.eval()
    for module in model.modules():
        if is_stochastic_layer(module):
            module.train()
    return model
