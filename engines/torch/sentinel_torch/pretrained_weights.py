"""Weights a user supplies (training.pretrained, params.pretrainedWeights, or a train request's
init that is not this engine's checkpoint), recognised by format and mapped onto the network
that params build. Tensors whose shape differs (the output head for another class map, say)
are skipped and counted."""

import torch

from .checkpoint import is_engine_checkpoint
from .contract import EngineError

# What the error for an unknown file lists.
FORMATS = (
    "a torch-engine checkpoint",
    "a state dict of the network (torch.save(model.state_dict()), optionally inside "
    "'state_dict'/'model'/'model_state_dict'/'network_weights'/'net', keys optionally prefixed 'module.')",
    "MONAI's self-supervised Swin encoder checkpoint as SwinUNETR.load_from reads it "
    "({'state_dict': {'module.patch_embed...', 'module.layers1.0...'}})",
    "MONAI's ssl_pretrained_weights.pth ({'model': {'encoder.patch_embed...', 'encoder.layers1.0.0...'}})",
)
_WRAPPER_KEYS = ("state_dict", "model", "model_state_dict", "network_weights", "net")


def _is_tensor_dict(value):
    return isinstance(value, dict) and bool(value) and all(torch.is_tensor(v) for v in value.values())


def _swin_block_key(key):
    """MONAI's Swin encoder checkpoints name the MLP fc1/fc2; SwinUNETR names them linear1/2."""
    return key.replace(".mlp.fc1.", ".mlp.linear1.").replace(".mlp.fc2.", ".mlp.linear2.")


def _from_load_from(state):
    """{'module.patch_embed...': t, 'module.layers1.0.blocks...': t} -> swinViT.* names."""
    return {_swin_block_key("swinViT." + key[len("module."):]): value for key, value in state.items()}


def _from_ssl(state):
    """ssl_pretrained_weights.pth: 'encoder.layers1.0.0.blocks...' -> 'swinViT.layers1.0.blocks...'
    (as MONAI's SwinUNETR tutorials map it); the SSL heads (mask token, norm, out) have no
    counterpart and are left out."""
    mapped = {}
    for key, value in state.items():
        if not key.startswith("encoder.") or key in ("encoder.mask_token", "encoder.norm.weight", "encoder.norm.bias"):
            continue
        rest = key[len("encoder."):]
        if rest.startswith("layers"):  # layersN.0.0.blocks -> layersN.0.blocks
            head, _, tail = rest.partition(".0.0.")
            rest = f"{head}.0.{tail}" if tail else rest
        mapped[_swin_block_key("swinViT." + rest)] = value
    return mapped


def recognise_weights(loaded, path):
    """(format name, state dict named as the network names it) for a loaded file; an
    EngineError listing the formats read for anything else."""
    if is_engine_checkpoint(loaded):
        return "torch-engine-checkpoint", loaded["stateDict"]
    if isinstance(loaded, dict) and _is_tensor_dict(loaded.get("state_dict")):
        state = loaded["state_dict"]
        if "module.patch_embed.proj.weight" in state and any(k.startswith("module.layers1.0.") for k in state):
            return "monai-swin-load-from", _from_load_from(state)
    if isinstance(loaded, dict) and _is_tensor_dict(loaded.get("model")):
        state = loaded["model"]
        if any(k.startswith("encoder.layers1.") for k in state):
            return "monai-swin-ssl", _from_ssl(state)
    for key in _WRAPPER_KEYS:
        if isinstance(loaded, dict) and _is_tensor_dict(loaded.get(key)):
            loaded = loaded[key]
            break
    if _is_tensor_dict(loaded):
        return "state-dict", {key[len("module."):] if key.startswith("module.") else key: v for key, v in loaded.items()}
    raise EngineError(
        f"pretrained weights {path} are in no format this engine reads; it reads: " + "; ".join(FORMATS)
    )


def read_weights_file(path):
    """Loads a weights file on the CPU; an EngineError when it is missing or not a torch file."""
    try:
        return torch.load(path, map_location="cpu")
    except FileNotFoundError:
        raise EngineError(f"pretrained weights not found: {path}") from None
    except Exception as error:  # torch raises many types for a file that is not a checkpoint
        raise EngineError(f"cannot load pretrained weights {path}: {error}") from None


def load_pretrained_weights(model, path, loaded=None):
    """Loads the weights at `path` (or the object already `loaded` from it) into `model`.
    Returns {format, loaded, skipped, total}; an EngineError when no tensor fits."""
    if loaded is None:
        loaded = read_weights_file(path)
    kind, state = recognise_weights(loaded, path)
    target = model.state_dict()
    candidates = {}
    for key, value in state.items():
        for name in (key, f"swinViT.{key}"):
            if name in target:
                candidates[name] = value
                break
    fitting = {k: v for k, v in candidates.items() if v.shape == target[k].shape}
    if not fitting:
        sample = ", ".join(list(state)[:3])
        raise EngineError(
            f"pretrained weights {path} ({kind}) do not fit the {type(model).__name__} built from params "
            f"(none of {len(state)} tensors matched by name and shape; first keys: {sample}); "
            "check params.network, params.featureSize (MONAI's self-supervised Swin weights are for "
            "featureSize 48) and that the file holds weights for this network"
        )
    model.load_state_dict(fitting, strict=False)
    return {"format": kind, "loaded": len(fitting), "skipped": len(candidates) - len(fitting), "total": len(target)}
