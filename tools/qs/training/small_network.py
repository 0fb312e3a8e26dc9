"""A narrow ResNet-18 Quality Sentinel network for the project's own small QS model.

The official network (tools/qs/network.py) with a torchvision resnet18 has 11.2 M parameters,
a 45 MB ONNX file. The project's shipped model must stay small (under 10 MB) and train on a
shared 2-core CPU, so this module builds the same architecture with every width divided:
a 2-channel stem with a biased conv1 of `width` channels, BasicBlock layers of width, 2x, 4x
and 8x `width` channels (two blocks each, as resnet18) under `net.layer1..4`, global average
pooling, and the official head (attention1/attention2 over concat(f, e), fc1, fc2, hidden 50,
no activations). The forward pass is QualitySentinelNet.forward itself, so the state_dict names
and the ONNX inputs/outputs are those of the official network.
"""

import os
import sys

import torch
from torch import nn
from torchvision.models.resnet import BasicBlock

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from network import HIDDEN_SIZE, QualitySentinelNet  # noqa: E402

# Backbone names this module builds: "resnet18-wN" = resnet18 layout with base width N.
SMALL_BACKBONE_PREFIX = "resnet18-w"


def parse_small_backbone(name):
    """The base width of a "resnet18-wN" backbone name, or None for other names."""
    if not name.startswith(SMALL_BACKBONE_PREFIX):
        return None
    digits = name[len(SMALL_BACKBONE_PREFIX):]
    return int(digits) if digits.isdigit() and int(digits) > 0 else None


def make_layer(in_channels, channels, blocks, stride):
    """One ResNet stage of BasicBlocks, as torchvision's ResNet._make_layer builds it."""
    downsample = None
    if stride != 1 or in_channels != channels:
        downsample = nn.Sequential(
            nn.Conv2d(in_channels, channels, kernel_size=1, stride=stride, bias=False),
            nn.BatchNorm2d(channels),
        )
    layers = [BasicBlock(in_channels, channels, stride, downsample)]
    layers += [BasicBlock(channels, channels) for _ in range(blocks - 1)]
    return nn.Sequential(*layers)


class NarrowResNetBody(nn.Module):
    """layer1..layer4 of a resnet18 with base width `width` (no stem, no classifier)."""

    def __init__(self, width):
        super().__init__()
        self.layer1 = make_layer(width, width, 2, 1)
        self.layer2 = make_layer(width, width * 2, 2, 2)
        self.layer3 = make_layer(width * 2, width * 4, 2, 2)
        self.layer4 = make_layer(width * 4, width * 8, 2, 2)


class SmallQualitySentinelNet(nn.Module):
    """The QS network on a narrow resnet18 body; same forward and names as the official one."""

    forward = QualitySentinelNet.forward

    def __init__(self, backbone, embedding_size):
        super().__init__()
        width = parse_small_backbone(backbone)
        if width is None:
            raise ValueError(f"not a small backbone name: {backbone!r} (expected {SMALL_BACKBONE_PREFIX}N)")
        features = width * 8
        self.backbone = backbone
        self.embedding_size = embedding_size
        self.conv1 = nn.Conv2d(2, width, kernel_size=7, stride=2, padding=3, bias=True)
        self.bn1 = nn.BatchNorm2d(width)
        self.relu = nn.ReLU(inplace=True)
        self.maxpool = nn.MaxPool2d(kernel_size=3, stride=2, padding=1)
        self.net = NarrowResNetBody(width)
        self.avgpool = nn.AdaptiveAvgPool2d((1, 1))
        self.attention1 = nn.Linear(features + embedding_size, features)
        self.attention2 = nn.Linear(features + embedding_size, HIDDEN_SIZE)
        self.fc1 = nn.Linear(features, HIDDEN_SIZE)
        self.fc2 = nn.Linear(HIDDEN_SIZE, 1)
        for module in self.modules():
            if isinstance(module, nn.Conv2d):
                nn.init.kaiming_normal_(module.weight, mode="fan_out", nonlinearity="relu")


def build_small_network(backbone, embedding_size, seed=None):
    """Builds a small QS network (train mode), with seeded weights when seed is given."""
    if seed is not None:
        torch.manual_seed(seed)
    return SmallQualitySentinelNet(backbone, embedding_size)


def parameter_count(model):
    """Number of trainable parameters."""
    return sum(p.numel() for p in model.parameters())
