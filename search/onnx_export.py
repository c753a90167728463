"""What the two ONNX encoders share: trace a torch module, quantise its MatMul weights to int8 per
output channel, write the file atomically; open it in ONNX Runtime on a given number of threads."""

from __future__ import annotations

import logging
import os
import tempfile
import warnings
from pathlib import Path


def export_int8(module, inputs: tuple, input_names: list[str], target: Path) -> Path:
    """Trace ``module`` on ``inputs`` (every input [batch, tokens]; one output ``embedding``
    [batch, d]) and write its int8 form to ``target`` through a temporary file, so that a failure
    or a concurrent reader never meets half a model."""
    import torch
    from onnxruntime.quantization import QuantType, quantize_dynamic

    target.parent.mkdir(parents=True, exist_ok=True)
    axes = {0: "batch", 1: "tokens"}
    root = logging.getLogger()
    level = root.level
    with tempfile.TemporaryDirectory(dir=target.parent) as tmp, warnings.catch_warnings():
        # The tracer's and the quantiser's notes (per-tensor INFO lines) are expected; keep them
        # out of `make setup`'s output.
        warnings.simplefilter("ignore")
        root.setLevel(logging.ERROR)
        try:
            fp32, int8 = Path(tmp) / "fp32.onnx", Path(tmp) / "int8.onnx"
            with torch.no_grad():
                torch.onnx.export(
                    module,
                    inputs,
                    str(fp32),
                    input_names=input_names,
                    output_names=["embedding"],
                    dynamic_axes={**dict.fromkeys(input_names, axes), "embedding": {0: "batch"}},
                    opset_version=17,
                    dynamo=False,
                )
            quantize_dynamic(
                str(fp32),
                str(int8),
                weight_type=QuantType.QInt8,
                per_channel=True,
                op_types_to_quantize=["MatMul"],
            )
            os.replace(int8, target)
        finally:
            root.setLevel(level)
    return target


def session(path: Path, threads: int):
    """An ONNX Runtime CPU session on ``threads`` intra-op threads (one inter-op)."""
    import onnxruntime as ort

    options = ort.SessionOptions()
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    return ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
