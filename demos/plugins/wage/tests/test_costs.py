"""The memory/energy estimate compares bits and operation energies with float32."""

from __future__ import annotations

import pytest

from demos.plugins.wage.costs import estimate_costs

SIZES = (64, 256, 256, 10)


def _by_key(rows: list[dict]) -> dict[str, dict]:
    return {r["key"]: r for r in rows}


def test_ternary_weights_need_a_sixteenth_of_float32_memory() -> None:
    rows = _by_key(estimate_costs(SIZES, 2, 8, 8, 8, 64))
    assert rows["weights_infer_kib"]["ratio"] == pytest.approx(2 / 32)
    assert rows["weights_infer_kib"]["float32"] == pytest.approx(
        (64 * 256 + 256 * 256 + 256 * 10) * 4 / 1024
    )
    assert rows["weights_train_kib"]["ratio"] == pytest.approx(8 / 32)


def test_float_setting_costs_exactly_float32() -> None:
    for row in estimate_costs(SIZES, 32, 32, 32, 32, 64):
        assert row["ratio"] == 1.0


def test_fewer_bits_never_cost_more() -> None:
    wide = _by_key(estimate_costs(SIZES, 8, 8, 8, 8, 64))
    narrow = _by_key(estimate_costs(SIZES, 2, 8, 8, 8, 64))
    for key, row in narrow.items():
        assert row["wage"] <= wide[key]["wage"], key
        assert 0 < row["ratio"] < 1, key
