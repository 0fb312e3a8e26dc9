"""The networks the engine trains: a small 3D U-Net written with torch alone (runs anywhere,
CPU included) and MONAI's SwinUNETR. params.network chooses; nothing else differs."""

import inspect

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
            "install it with `pip install monai` (MONAI >= 1.0) or use params.network: unet"
        ) from None
    kwargs = {"in_channels": 1, "out_channels": config["outChannels"], "feature_size": config["featureSize"], "drop_rate": config["dropRate"]}
    # MONAI deprecated img_size in 1.3 and removed it later; pass it only where it is accepted.
    if "img_size" in inspect.signature(SwinUNETR.__init__).parameters:
        kwargs["img_size"] = tuple(config["imgSize"])
    return SwinUNETR(**kwargs)


def set_mc_dropout(model):
    """Evaluation mode everywhere except dropout layers, which sample (Monte-Carlo dropout).
    Normalisation layers stay in eval, so their running statistics are used and never updated."""
    model.eval()
    for module in model.modules():
        if isinstance(module, nn.modules.dropout._DropoutNd):
            module.train()
    return model


_WRAPPER_KEYS = ("state_dict", "model", "model_state_dict", "network_weights", "net")
# Renames MONAI's SwinUNETR tutorials apply to the self-supervised swinViT weights.
_KEY_RENAMES = (("module.", ""), ("swin_vit", "swinViT"), ("linear1", "fc1"), ("linear2", "fc2"))


def load_pretrained_weights(model, path):
    """Loads user-supplied weights (a state dict, possibly wrapped in 'state_dict' or similar,
    keys possibly prefixed 'module.'; for SwinUNETR also the self-supervised swinViT encoder
    weights) into `model`. Tensors whose shapes differ (the output head for another class map)
    are skipped. Returns {loaded, skipped, total}; an EngineError when nothing fits."""
    try:
        loaded = torch.load(path, map_location="cpu")
    except FileNotFoundError:
        raise EngineError(f"pretrained weights not found: {path}") from None
    except Exception as error:  # torch raises many types for a file that is not a checkpoint
        raise EngineError(f"cannot load pretrained weights {path}: {error}") from None
    state = loaded
    for key in _WRAPPER_KEYS:
        if isinstance(state, dict) and isinstance(state.get(key), dict):
            state = state[key]
            break
    if not isinstance(state, dict) or not all(torch.is_tensor(v) for v in state.values()):
        raise EngineError(f"pretrained weights {path} hold no state dict of tensors")
    target = model.state_dict()
    candidates = {}
    for key, value in state.items():
        for old, new in _KEY_RENAMES:
            key = key.replace(old, new)
        for name in (key, f"swinViT.{key}"):
            if name in target:
                candidates[name] = value
                break
    fitting = {k: v for k, v in candidates.items() if v.shape == target[k].shape}
    if not fitting:
        sample = ", ".join(list(state)[:3])
        raise EngineError(
            f"pretrained weights {path} do not fit the {type(model).__name__} built from params "
            f"(none of {len(state)} tensors matched by name and shape; first keys: {sample}); "
            "check params.network, params.featureSize and that the file holds weights for this network"
        )
    model.load_state_dict(fitting, strict=False)
    return {"loaded": len(fitting), "skipped": len(candidates) - len(fitting), "total": len(target)}
