#!/usr/bin/env python3
"""The torch engine's entry point, run by the orchestrator through the engine contract v1:

  /usr/bin/python3 engines/torch/sentinel_torch_engine.py train|predict --request REQUEST.json

It checks the request, does the work, writes the response JSON atomically at
request.response and exits 0. A bad request, a missing file, an unknown network or a missing
MONAI prints one line on stderr and exits 2; a bug prints its traceback and exits 70.
"""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from sentinel_torch.contract import EngineError, predict_response, read_request, run_engine, train_response, write_json_atomically  # noqa: E402
from sentinel_torch.params import parse_params  # noqa: E402

ENGINE_NAME = "torch"
ENGINE_VERSION = "1.0.0"


def _import_torch():
    try:
        import torch
    except ImportError as error:
        raise EngineError(f"the torch engine needs PyTorch, which {sys.executable} cannot import ({error}); install python3-torch or `pip install torch`") from None
    return torch


def _identity():
    torch = _import_torch()
    return {"name": ENGINE_NAME, "version": f"{ENGINE_VERSION} (torch {torch.__version__})"}


def run_train(request_path):
    request = read_request(request_path, "train")
    params = parse_params(request["params"])
    identity = _identity()
    from sentinel_torch.train import train

    stats = train(request, params)
    write_json_atomically(request["response"], train_response(identity, request["checkpoint"], stats))


def run_predict(request_path):
    request = read_request(request_path, "predict")
    params = parse_params(request["params"])
    identity = _identity()
    from sentinel_torch.predict import predict

    outputs = predict(request, params)
    write_json_atomically(request["response"], predict_response(identity, outputs))


if __name__ == "__main__":
    run_engine("torch engine", {"train": run_train, "predict": run_predict})
