"""Every demo checkpoint is written and read by demos.kit.checkpoint, and reading never runs code."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import torch

from demos.kit import checkpoint

ROOT = Path(__file__).resolve().parent.parent
COMMITTED = sorted((ROOT / "demos" / "plugins").glob("*/weights/*.pt"))


def test_the_committed_weights_are_found():
    # One folder per demo holds weights; an empty glob would make the next test pass vacuously.
    assert {p.parent.parent.name for p in COMMITTED} >= {
        "act",
        "dnc",
        "learned_opt",
        "wage",
        "wavenet",
    }


@pytest.mark.parametrize("path", COMMITTED, ids=lambda p: f"{p.parent.parent.name}/{p.name}")
def test_every_committed_checkpoint_loads_safely_in_the_contract_shape(path: Path):
    payload = checkpoint.load(path)  # weights_only=True: fails on any pickled object
    assert set(payload) == {"model", "config", "step", "metrics", "seed", "code_version"}
    assert isinstance(payload["step"], int) and isinstance(payload["seed"], int)
    assert payload["code_version"] and payload["code_version"] != "unknown"
    assert path.stat().st_size < 5 * 1024 * 1024


def test_save_makes_paths_and_numpy_values_plain_and_keeps_tensors_and_tuples(tmp_path):
    weight = torch.arange(6, dtype=torch.float32).reshape(2, 3)
    payload = {
        "model": {"w": weight},
        "config": {"sizes": (64, 32), "name": "x"},
        "step": 7,
        "metrics": {"init": Path("a/b.pt"), "acc": np.float32(0.5), "curve": np.arange(3)},
        "seed": 3,
    }
    out = checkpoint.save(payload, tmp_path / "deep" / "c.pt")  # creates the folder
    back = checkpoint.load(out)
    assert torch.equal(back["model"]["w"], weight)
    assert back["config"] == {"sizes": (64, 32), "name": "x"}
    assert back["metrics"] == {"init": "a/b.pt", "acc": 0.5, "curve": [0, 1, 2]}
    assert type(back["metrics"]["acc"]) is float
    assert back["seed"] == 3 and back["code_version"] == checkpoint.code_version()


def _payload(**changes):
    return {"model": {}, "config": {}, "step": 1, "metrics": {}, "seed": 0, **changes}


def test_save_refuses_a_payload_outside_the_format_and_writes_nothing(tmp_path):
    extra = _payload(notes="x")
    missing = _payload()
    del missing["seed"]
    with pytest.raises(checkpoint.CheckpointError, match="unexpected notes"):
        checkpoint.save(extra, tmp_path / "extra.pt")
    with pytest.raises(checkpoint.CheckpointError, match="missing seed"):
        checkpoint.save(missing, tmp_path / "missing.pt")
    with pytest.raises(checkpoint.CheckpointError, match="step must be an int"):
        checkpoint.save(_payload(step=1.5), tmp_path / "float.pt")
    assert list(tmp_path.iterdir()) == []


def test_load_refuses_a_file_in_the_old_format(tmp_path):
    old = tmp_path / "old.pt"
    torch.save({"model": {}, "config": {}, "step": 1, "metrics": {}}, old)
    with pytest.raises(checkpoint.CheckpointError, match="missing seed, code_version"):
        checkpoint.load(old)


def test_load_keeps_a_checkpoint_per_process_until_the_file_changes(tmp_path):
    path = checkpoint.save(_payload(step=1), tmp_path / "c.pt")
    first = checkpoint.load(path)
    assert checkpoint.load(path) is first  # read once
    checkpoint.save(_payload(step=22), path)  # a different size: read again
    assert checkpoint.load(path)["step"] == 22


def test_save_refuses_an_object_it_cannot_store_as_a_plain_value(tmp_path):
    with pytest.raises(checkpoint.CheckpointError, match="object"):
        checkpoint.save(_payload(metrics={"bad": object()}), tmp_path / "c.pt")
    assert not (tmp_path / "c.pt").exists()


class _Payload:
    """What a hostile checkpoint carries: unpickling it would call `ran.touch()`."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self):
        return (Path.touch, (self.marker,))


def test_load_refuses_a_pickled_object_without_running_it(tmp_path):
    marker = tmp_path / "ran"
    hostile = tmp_path / "hostile.pt"
    torch.save({"model": {}, "metrics": _Payload(marker)}, hostile)
    with pytest.raises(
        checkpoint.CheckpointError, match=r"hostile\.pt is not a checkpoint that loads safely"
    ):
        checkpoint.load(hostile)
    assert not marker.exists()


def test_load_refuses_a_file_that_holds_no_dict(tmp_path):
    path = tmp_path / "list.pt"
    torch.save([torch.zeros(1)], path)
    with pytest.raises(checkpoint.CheckpointError, match="holds a list"):
        checkpoint.load(path)


def test_load_of_a_missing_file_says_so(tmp_path):
    with pytest.raises(FileNotFoundError):
        checkpoint.load(tmp_path / "absent.pt")
