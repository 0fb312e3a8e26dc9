"""The Quality Sentinel network, state_dict-compatible with the authors' checkpoint.

Layout and names follow ../shared/QS-INFERENCE.md "Network": a 2-channel stem with a biased
conv1, the torchvision ResNet layer1..layer4 under `net.`, global average pooling, and a
text-conditioned head (attention1/attention2 over concat(f, e), fc1, fc2) with no activations.
The torchvision stem and classifier (`net.conv1`, `net.bn1`, `net.fc`) exist only so that the
official state_dict loads strictly; they never run.
"""

import torch
from torch import nn
from torchvision import models

# Feature width of the pooled backbone output, per supported backbone.
BACKBONE_FEATURES = {"resnet18": 512, "resnet34": 512, "resnet50": 2048}

# Width of the head's hidden layer (fc1 output, attention2 output).
HIDDEN_SIZE = 50

# The official condition width: a CLIP text embedding of 512 values.
OFFICIAL_EMBEDDING_SIZE = 512


def make_backbone(name):
    """Builds an untrained torchvision ResNet by name (no downloads)."""
    if name not in BACKBONE_FEATURES:
        raise ValueError(f"unknown backbone {name!r}; valid: {', '.join(BACKBONE_FEATURES)}")
    return getattr(models, name)(weights=None)


class QualitySentinelNet(nn.Module):
    """Predicts the Dice of a mask slice from (CT slice, mask slice) and a class embedding."""

    def __init__(self, backbone="resnet50", embedding_size=OFFICIAL_EMBEDDING_SIZE):
        super().__init__()
        features = BACKBONE_FEATURES.get(backbone)
        if features is None:
            raise ValueError(f"unknown backbone {backbone!r}; valid: {', '.join(BACKBONE_FEATURES)}")
        self.backbone = backbone
        self.embedding_size = embedding_size
        self.conv1 = nn.Conv2d(2, 64, kernel_size=7, stride=2, padding=3, bias=True)
        self.bn1 = nn.BatchNorm2d(64)
        self.relu = nn.ReLU(inplace=True)
        self.maxpool = nn.MaxPool2d(kernel_size=3, stride=2, padding=1)
        self.net = make_backbone(backbone)
        self.avgpool = nn.AdaptiveAvgPool2d((1, 1))
        self.attention1 = nn.Linear(features + embedding_size, features)
        self.attention2 = nn.Linear(features + embedding_size, HIDDEN_SIZE)
        self.fc1 = nn.Linear(features, HIDDEN_SIZE)
        self.fc2 = nn.Linear(HIDDEN_SIZE, 1)

    def forward(self, image, embedding):
        x = self.maxpool(self.relu(self.bn1(self.conv1(image))))
        x = self.net.layer4(self.net.layer3(self.net.layer2(self.net.layer1(x))))
        f = torch.flatten(self.avgpool(x), 1)
        fe = torch.cat([f, embedding], dim=1)
        att1 = self.attention1(fe)
        att2 = self.attention2(fe)
        h = self.fc1(att1 * f)
        return self.fc2(att2 * h)


def build_network(backbone="resnet50", embedding_size=OFFICIAL_EMBEDDING_SIZE, seed=None):
    """Builds the network in eval mode, with seeded random weights when seed is given."""
    if seed is not None:
        torch.manual_seed(seed)
    model = QualitySentinelNet(backbone, embedding_size)
    model.eval()
    return model


# fc2 gain of test networks: outputs spread by about 1 while float32 rounding (torch vs ONNX)
# stays near 1e-6 (resnet50 rounds 20x worse than resnet18 and gets no gain). Narrow
# resnet18-wN networks (training/small_network.py) get the resnet18 gain.
TEST_HEAD_GAIN = {"resnet18": 10.0, "resnet34": 10.0, "resnet50": 1.0}
DEFAULT_TEST_HEAD_GAIN = 10.0


def calibrate_batchnorm(model, seed=0, size=128, batch=8):
    """Gives a randomly initialised network realistic BatchNorm statistics (for tests).

    With torchvision's initialisation and unit running statistics the outputs reach 1e4..1e5,
    where float32 rounding alone exceeds 1e-4. Like training would, this sets every BatchNorm's
    running mean/var to the batch statistics of one random batch (and draws non-trivial affine
    weights), so eval-mode outputs are of order 0.1..1; fc2 gets TEST_HEAD_GAIN so that outputs
    differ clearly between inputs, which keeps parity checks sensitive to preprocessing errors.
    """
    generator = torch.Generator().manual_seed(seed)
    norms = [m for m in model.modules() if isinstance(m, nn.BatchNorm2d)]
    with torch.no_grad():
        for module in norms:
            module.reset_running_stats()
            module.momentum = None
            module.weight.copy_(torch.rand(module.num_features, generator=generator) * 0.5 + 0.75)
            module.bias.copy_(torch.randn(module.num_features, generator=generator) * 0.1)
        model.train()
        model(torch.randn(batch, 2, size, size, generator=generator),
              torch.randn(batch, model.embedding_size, generator=generator))
    for module in norms:
        module.momentum = 0.1
    with torch.no_grad():
        model.fc2.weight.mul_(TEST_HEAD_GAIN.get(model.backbone, DEFAULT_TEST_HEAD_GAIN))
    model.eval()
    return model
