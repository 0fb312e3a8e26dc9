"""The order of classes inside the engine: channel 0 is background, channel k the k-th label
value of the request's class map in ascending order (as the reference engine)."""

import numpy as np

from .contract import EngineError


def class_labels(classes):
    """Label values of a contract class map ({"1": "liver", ...}), ascending."""
    return sorted(int(key) for key in classes)


def label_to_channel(labels):
    """A 256-entry lookup table: label value -> channel (values outside the map -> 0)."""
    table = np.zeros(256, dtype=np.uint8)
    for channel, label in enumerate(labels, start=1):
        table[label] = channel
    return table


def channel_to_label(labels):
    """A lookup table: channel -> label value (0 for background)."""
    return np.array([0, *labels], dtype=np.uint8)


def assert_same_classes(checkpoint_classes, classes, path):
    """Fails unless a checkpoint was trained for the same class map as the request's."""
    if {int(k): v for k, v in checkpoint_classes.items()} != {int(k): v for k, v in classes.items()}:
        raise EngineError(
            f"checkpoint {path} was trained for classes {_describe(checkpoint_classes)}, "
            f"the request has {_describe(classes)}; use the same class map for training and prediction"
        )


def _describe(classes):
    return "{" + ", ".join(f"{k}: {classes[k]}" for k in sorted(classes, key=int)) + "}"
