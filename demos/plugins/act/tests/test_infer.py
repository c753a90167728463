"""infer.run: schema defaults give a JSON result with the renderer's keys; typed vectors; speed."""

from __future__ import annotations

import json
import re
import time

import pytest
import torch

from demos.plugins.act import DIM, META
from demos.plugins.act.infer import BATCH_SIZE, load_models, parse_vector, run
from demos.plugins.act.task import SPLITS, random_vectors, split_vectors

RENDERER_KEYS = {
    "vector",
    "source",
    "nonzero",
    "target",
    "prediction",
    "probability_odd",
    "steps",
    "max_steps",
    "remainder",
    "ponder_cost",
    "halting",
    "step_probability_odd",
    "baseline",
    "batch",
    "tradeoff",
    "tau",
    "split",
    "in_training_set",
}


def _defaults() -> dict:
    return {name: spec["default"] for name, spec in META["params"].items()}


def test_run_with_schema_defaults_returns_json_with_the_renderer_keys() -> None:
    calls: list[float] = []
    result = run(_defaults(), lambda pct, msg: calls.append(pct))
    json.dumps(result)
    assert set(result) >= RENDERER_KEYS
    assert result["source"] == "random" and result["nonzero"] == META["params"]["k"]["default"]
    assert sum(result["halting"]) == pytest.approx(1.0, abs=1e-3)
    assert len(result["halting"]) == result["steps"] <= result["max_steps"]
    assert result["ponder_cost"] == pytest.approx(result["steps"] + result["remainder"], abs=1e-3)
    batch = result["batch"]
    assert batch["size"] == BATCH_SIZE and batch["k"] == list(range(DIM + 1))
    assert set(batch["mean_steps"]) == set(META["params"]["tau"]["choices"])
    assert {row["tau"] for row in result["tradeoff"]} == {
        *META["params"]["tau"]["choices"],
        "baseline",
    }
    assert calls and calls[-1] == 100


def test_run_is_deterministic_and_uses_a_typed_vector() -> None:
    params = {**_defaults(), "vector": "1, -1, 0, 0, 1, 0, 0, 1, 0, -1", "tau": "1e-2"}
    a, b = run(params), run(params)
    for result in (a, b):
        result["batch"].pop("elapsed_ms"), result["batch"].pop("elapsed_all_ms")
    assert a == b
    assert a["source"] == "typed" and a["vector"] == [1, -1, 0, 0, 1, 0, 0, 1, 0, -1]
    assert a["target"] == 1 and a["ones"] == 3 and a["nonzero"] == 5


@pytest.mark.parametrize("split", SPLITS)
def test_a_typed_vector_says_whether_it_was_in_the_training_set(split: str) -> None:
    vector = split_vectors(DIM, split).inputs[7, 0]
    text = ",".join(str(int(v)) for v in vector.tolist())
    result = run({**_defaults(), "vector": text})
    assert result["split"] == split
    assert result["in_training_set"] is (split == "train")


@pytest.mark.parametrize(
    ("text", "ok"),
    [
        ("1,-1,0,0,1,0,0,1,0,-1", True),
        (" +1 -1 0 0 1 0 0 1 0 0 ", True),
        ("", True),
        ("1,-1,0", False),
        ("1,2,0,0,1,0,0,1,0,0", False),
        ("1,-1,0,0,1,0,0,1,0,0,1", False),
        ("a,-1,0,0,1,0,0,1,0,0", False),
    ],
)
def test_the_schema_pattern_and_the_parser_agree(text: str, ok: bool) -> None:
    assert bool(re.match(META["params"]["vector"]["pattern"], text)) == ok
    if text.strip():
        if ok:
            assert len(parse_vector(text)) == DIM
        else:
            with pytest.raises(ValueError):
                parse_vector(text)


def test_a_batch_of_256_inputs_takes_under_200_ms() -> None:
    models = load_models()
    vectors = random_vectors(BATCH_SIZE, DIM, torch.Generator().manual_seed(0)).unsqueeze(1)
    with torch.no_grad():
        for label, (model, _, _) in models.items():
            model(vectors)  # warm-up
            best = min(_timed(model, vectors) for _ in range(3))
            assert best < 0.2, f"{label}: {best * 1000:.0f} ms"


def _timed(model: torch.nn.Module, vectors: torch.Tensor) -> float:
    start = time.perf_counter()
    model(vectors)
    return time.perf_counter() - start
