"""ONNX export of the QS network and its check against torch with onnxruntime-node."""

import os
import shutil
import subprocess
import tempfile

import numpy as np
import torch

from tool_error import ToolError

# ONNX opset of every bundle written by these tools.
OPSET = 17

CHECK_SCRIPT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "check_onnx.mjs")


def export_onnx(model, path, input_size, embedding_size):
    """Writes model as ONNX: inputs image [N,2,S,S] and embedding [N,E], output dice [N,1]."""
    model.eval()
    image = torch.zeros(2, 2, input_size, input_size)
    embedding = torch.zeros(2, embedding_size)
    with torch.no_grad():
        torch.onnx.export(
            model,
            (image, embedding),
            path,
            input_names=["image", "embedding"],
            output_names=["dice"],
            dynamic_axes={"image": {0: "N"}, "embedding": {0: "N"}, "dice": {0: "N"}},
            opset_version=OPSET,
            do_constant_folding=True,
        )


def run_onnx_node(path, image, embedding):
    """Runs the ONNX model with onnxruntime-node (tools/qs/check_onnx.mjs); returns dice [N]."""
    node = shutil.which("node")
    if node is None:
        raise ToolError("node is not on PATH; it is needed to check the ONNX export (or pass --skip-verify)")
    n, _, s, _ = image.shape
    with tempfile.TemporaryDirectory(prefix="qs-onnx-check-") as tmp:
        files = [os.path.join(tmp, name) for name in ("image.f32", "embedding.f32", "dice.f32")]
        np.ascontiguousarray(image, dtype="<f4").tofile(files[0])
        np.ascontiguousarray(embedding, dtype="<f4").tofile(files[1])
        args = [node, CHECK_SCRIPT, path, files[0], files[1], str(n), str(s), str(embedding.shape[1]), files[2]]
        result = subprocess.run(args, capture_output=True, text=True)
        if result.returncode != 0:
            lines = (result.stderr or result.stdout).strip().splitlines()
            detail = next((l for l in lines if "Error" in l), lines[-1] if lines else "no output")
            raise ToolError(f"onnxruntime-node could not run {path}: {detail.strip()} (or pass --skip-verify)")
        return np.fromfile(files[2], dtype="<f4")


def verify_onnx(model, path, input_size, embeddings, batch=4, seed=0):
    """Compares ONNX (onnxruntime-node) with torch on random inputs; returns the max abs diff."""
    rng = np.random.default_rng(seed)
    image = rng.standard_normal((batch, 2, input_size, input_size)).astype(np.float32)
    rows = rng.integers(0, len(embeddings), size=batch)
    embedding = np.stack([embeddings[i] for i in rows]).astype(np.float32)
    with torch.no_grad():
        expected = model(torch.from_numpy(image), torch.from_numpy(embedding)).numpy().reshape(-1)
    actual = run_onnx_node(path, image, embedding)
    return float(np.max(np.abs(actual.astype(np.float64) - expected.astype(np.float64))))
