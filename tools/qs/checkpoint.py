"""Loading a QS checkpoint into the network, with clear errors for the user's mistakes."""

import os
import sys

import torch
from torch import nn

from network import BACKBONE_FEATURES, build_network
from tool_error import ToolError

# The project's narrow resnet18-wN networks (models/qs-phantom) live with their training tools.
TRAINING_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "training")
if TRAINING_DIR not in sys.path:
    sys.path.append(TRAINING_DIR)

from small_network import SMALL_BACKBONE_PREFIX, build_small_network, parse_small_backbone  # noqa: E402

# What --backbone accepts, for messages.
BACKBONE_NAMES = "/".join([*BACKBONE_FEATURES, f"{SMALL_BACKBONE_PREFIX}N", "ensemble(A,B,...)"])


def parse_ensemble_backbone(name):
    """The member backbones of an "ensemble(A,B,...)" name (a bundle of averaged networks, as
    tools/qs/training/export_ensemble.py writes), or None for other names."""
    if not (name.startswith("ensemble(") and name.endswith(")")):
        return None
    members = [m.strip() for m in name[len("ensemble("):-1].split(",")]
    return members if len(members) >= 2 and all(members) else None


class AveragingQualitySentinelNet(nn.Module):
    """QS networks run on the same inputs; the output is the mean of theirs (state_dict keys
    members.N.*, the graph of an ensemble bundle)."""

    def __init__(self, members):
        super().__init__()
        self.members = nn.ModuleList(members)

    def forward(self, image, embedding):
        return torch.stack([m(image, embedding) for m in self.members], dim=0).mean(dim=0)

# Keys under which training scripts commonly nest the state_dict in a checkpoint.
WRAPPER_KEYS = ("state_dict", "model_state_dict", "model", "net", "network", "weights")

# BatchNorm's counter: absent from some checkpoints and irrelevant in eval mode.
OPTIONAL_SUFFIX = "num_batches_tracked"


def is_tensor_mapping(value):
    """True for a non-empty dict whose values are all tensors (a state_dict)."""
    return isinstance(value, dict) and len(value) > 0 and all(
        isinstance(v, torch.Tensor) for v in value.values()
    )


def unwrap_state_dict(checkpoint, path):
    """Finds the state_dict in a loaded checkpoint: itself, a wrapped one, or a whole module."""
    if isinstance(checkpoint, nn.Module):
        return checkpoint.state_dict()
    if is_tensor_mapping(checkpoint):
        return checkpoint
    if isinstance(checkpoint, dict):
        for key in WRAPPER_KEYS:
            inner = checkpoint.get(key)
            if isinstance(inner, nn.Module):
                return inner.state_dict()
            if is_tensor_mapping(inner):
                return inner
        keys = ", ".join(str(k) for k in list(checkpoint)[:6])
        raise ToolError(
            f"{path} holds a dict without a state_dict (top-level keys: {keys}); "
            f"expected a state_dict or one nested under one of: {', '.join(WRAPPER_KEYS)}"
        )
    raise ToolError(f"{path} holds a {type(checkpoint).__name__}, not a state_dict")


def strip_module_prefix(state_dict):
    """Removes the `module.` prefix that DataParallel/DistributedDataParallel adds."""
    if all(k.startswith("module.") for k in state_dict):
        return {k[len("module."):]: v for k, v in state_dict.items()}
    return dict(state_dict)


def read_state_dict(path):
    """Loads a checkpoint file on the CPU and returns its plain, unprefixed state_dict."""
    if not os.path.isfile(path):
        raise ToolError(f"checkpoint not found: {path}")
    try:
        checkpoint = torch.load(path, map_location="cpu")
    except Exception as error:  # noqa: BLE001 - any unreadable file is the user's to fix
        first_line = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        raise ToolError(f"cannot read checkpoint {path}: {first_line}") from None
    return strip_module_prefix(unwrap_state_dict(checkpoint, path))


def describe_mismatch(state_dict, expected):
    """Lists missing keys, unexpected keys and shape mismatches against an expected state_dict."""
    missing = [k for k in expected if k not in state_dict and not k.endswith(OPTIONAL_SUFFIX)]
    unexpected = [k for k in state_dict if k not in expected]
    shapes = [
        f"{k} {list(state_dict[k].shape)} vs expected {list(expected[k].shape)}"
        for k in expected
        if k in state_dict and tuple(state_dict[k].shape) != tuple(expected[k].shape)
    ]
    problems = []
    if missing:
        problems.append(f"{len(missing)} missing keys (e.g. {', '.join(missing[:3])})")
    if unexpected:
        problems.append(f"{len(unexpected)} unexpected keys (e.g. {', '.join(unexpected[:3])})")
    if shapes:
        problems.append(f"{len(shapes)} shape mismatches (e.g. {'; '.join(shapes[:2])})")
    return problems


def build_qs_network(backbone, embedding_size, seed=None):
    """The QS network of a backbone name, in eval mode: the official layout on a torchvision
    ResNet (network.py), the narrow resnet18-wN of the shipped small model (small_network.py),
    or an ensemble(A,B,...) of those averaged."""
    members = parse_ensemble_backbone(backbone)
    if members is not None:
        if seed is not None:
            torch.manual_seed(seed)
        model = AveragingQualitySentinelNet([build_qs_network(m, embedding_size) for m in members])
        model.eval()
        return model
    if parse_small_backbone(backbone) is not None:
        model = build_small_network(backbone, embedding_size, seed=seed)
        model.eval()
        return model
    return build_network(backbone, embedding_size, seed=seed)


def candidate_backbones(state_dict):
    """The official backbones, and the resnet18-wN that conv1's width suggests."""
    names = list(BACKBONE_FEATURES)
    conv1 = state_dict.get("conv1.weight")
    if conv1 is not None and conv1.dim() == 4 and "net.conv1.weight" not in state_dict:
        names.append(f"{SMALL_BACKBONE_PREFIX}{conv1.shape[0]}")
    return names


def fitting_backbones(state_dict, embedding_size):
    """Backbones whose network accepts this state_dict exactly."""
    return [
        name
        for name in candidate_backbones(state_dict)
        if not describe_mismatch(state_dict, build_qs_network(name, embedding_size).state_dict())
    ]


def load_network(path, backbone, embedding_size):
    """Builds the network for a backbone and loads a checkpoint file into it (eval mode)."""
    state_dict = read_state_dict(path)
    try:
        model = build_qs_network(backbone, embedding_size)
    except ValueError:
        raise ToolError(f"unknown backbone {backbone!r}; valid: {BACKBONE_NAMES}") from None
    problems = describe_mismatch(state_dict, model.state_dict())
    if problems:
        fits = [b for b in fitting_backbones(state_dict, embedding_size) if b != backbone]
        hint = (
            f"; it fits --backbone {fits[0]}"
            if fits
            else "; try --backbone " + "/".join(b for b in BACKBONE_NAMES.split("/") if b != backbone)
        )
        raise ToolError(
            f"{path} is not a {backbone} QS checkpoint: " + "; ".join(problems) + hint
        )
    model.load_state_dict(state_dict, strict=False)
    model.eval()
    return model
