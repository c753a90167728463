"""demos.kit.evaluation: splits count distinct items and must not overlap, bootstrap intervals,
the baseline registry and the one report shape."""

from __future__ import annotations

import json

import numpy as np
import pytest

from demos.kit.evaluation import (
    BASELINES,
    Ablation,
    Criterion,
    Interval,
    OverlapError,
    Report,
    Split,
    bootstrap,
    bootstrap_seeds,
    check_disjoint,
    distinct,
    figures_of,
    read_report,
    register_baseline,
    write_report,
)


def test_a_split_counts_distinct_items_not_draws():
    split = Split.of("held_out", 3, ["a", "b", "a", "c", "a"])
    assert split.draws == 5 and split.size == 3 and distinct([1, 1, 2]) == 2
    assert split.to_json() == {"seed": 3, "size": 3, "draws": 5}


def test_disjoint_splits_report_their_sizes():
    assert check_disjoint(Split.of("train", 0, [1, 2, 2]), Split.of("test", 1, [3, 4])) == {
        "train": 2,
        "test": 2,
    }


def test_overlapping_splits_raise_and_name_the_pair():
    with pytest.raises(OverlapError, match=r"'train' and 'test' share 2 item"):
        check_disjoint(Split.of("train", 0, [1, 2, 3]), Split.of("test", 1, [3, 2, 9]))


def test_a_report_with_overlapping_splits_refuses_to_serialise():
    report = Report("x", False, splits=[Split.of("a", 0, [1]), Split.of("b", 0, [1])])
    with pytest.raises(OverlapError):
        report.to_json()


def test_the_bootstrap_interval_covers_the_mean_and_narrows_with_more_items():
    rng = np.random.default_rng(0)
    small = bootstrap(rng.random(50), seed=1)
    large = bootstrap(rng.random(5000), seed=1)
    for iv in (small, large):
        assert iv.low <= iv.mean <= iv.high and iv.level == 0.95
    assert large.high - large.low < (small.high - small.low) / 3
    assert large.mean == pytest.approx(0.5, abs=0.02)


def test_the_bootstrap_interval_holds_the_true_mean_about_95_times_in_100():
    rng = np.random.default_rng(7)
    hits = 0
    for trial in range(200):
        x = rng.normal(1.0, 2.0, 60)
        iv = bootstrap(x, resamples=400, seed=trial)
        hits += iv.low <= 1.0 <= iv.high
    assert 0.88 <= hits / 200 <= 0.99


def test_the_bootstrap_is_reproducible_for_a_seed_and_constant_values_give_a_point():
    x = np.arange(20.0)
    assert bootstrap(x, seed=3) == bootstrap(x, seed=3)
    assert bootstrap([0.0] * 10) == Interval(0.0, 0.0, 0.0, 10)


def test_a_weighted_bootstrap_estimates_the_pooled_rate():
    errors, bits = np.array([0.0, 0.5, 1.0]), np.array([10.0, 2.0, 8.0])  # 9 wrong of 20 bits
    iv = bootstrap(errors, weights=bits, seed=0)
    assert iv.mean == pytest.approx(9 / 20) and iv.low <= iv.mean <= iv.high


def test_the_bootstrap_refuses_empty_or_mismatched_input():
    with pytest.raises(ValueError, match="no values"):
        bootstrap([])
    with pytest.raises(ValueError, match="weights"):
        bootstrap([1.0, 2.0], weights=[1.0])


def test_a_baseline_name_means_one_thing():
    register_baseline("test/coin", "a fair coin")
    register_baseline("test/coin", "a fair coin")  # the same again is fine
    with pytest.raises(ValueError, match="already registered"):
        register_baseline("test/coin", "a loaded coin")
    assert BASELINES["test/coin"].description == "a fair coin"


def test_a_report_refuses_an_unregistered_baseline():
    with pytest.raises(ValueError, match="unregistered baselines: nobody"):
        Report("x", False, baselines={"nobody": 1.0}).to_json()


def _report(quick: bool) -> Report:
    register_baseline("test/coin", "a fair coin")
    return Report(
        demo="toy",
        quick=quick,
        figures={"error": bootstrap([0.0, 0.0, 1.0, 0.0], seed=0), "steps": 3, "ok": True},
        splits=[Split.of("held_out", 5, [1, 2, 3, 4])],
        seeds=[0, 1, 2],
        draw_seeds={"held_out": 5},
        baselines={"test/coin": 0.5},
        ablations=[
            Ablation(
                "no memory",
                "without its memory",
                {
                    "error": bootstrap_seeds({0: [1.0, 0.0], 1: [0.0, 0.0], 2: [1.0, 1.0]}),
                    "steps": 2,
                },
            )
        ],
        acceptance=(
            Criterion("error", "<", 0.5),
            Criterion("ok", "==", True),
            Criterion("steps", ">", 10, quick=False),
        ),
        details={"anything": [1, 2]},
    )


def test_the_report_json_has_one_shape_and_checks_acceptance():
    full = _report(quick=False).to_json()
    assert json.loads(json.dumps(full)) == full  # plain JSON
    assert set(full) == {
        "report_version",
        "demo",
        "quick",
        "seeds",
        "draw_seeds",
        "splits",
        "figures",
        "baselines",
        "ablations",
        "acceptance",
        "passed",
        "details",
    }
    error = full["figures"]["error"]
    assert error["mean"] == 0.25 and error["n"] == 4 and error["ci95"] == [0.0, 0.75]
    assert full["seeds"] == [0, 1, 2] and full["draw_seeds"] == {"held_out": 5}
    assert full["figures"]["steps"] == {"value": 3}
    no_memory = full["ablations"]["no memory"]
    assert no_memory["description"] == "without its memory"
    assert no_memory["figures"]["steps"] == {"value": 2}
    assert no_memory["figures"]["error"]["mean"] == 0.5 and no_memory["figures"]["error"]["n"] == 3
    assert figures_of(full) == {"error": 0.25, "steps": 3, "ok": True}
    assert [(c["figure"], c["passed"]) for c in full["acceptance"]] == [
        ("error", True),
        ("ok", True),
        ("steps", False),
    ]
    assert full["passed"] is False
    quick = _report(quick=True).to_json()
    assert [c["figure"] for c in quick["acceptance"]] == ["error", "ok"] and quick["passed"]


def test_the_human_table_shows_intervals_splits_baselines_ablations_and_checks():
    text = _report(quick=False).table()
    assert "error" in text and "[0, 0.75] n=4" in text
    assert "split held_out: seed 5, 4 distinct of 4 drawn" in text
    assert "baseline test/coin (a fair coin): 0.5" in text
    assert "training seeds [0, 1, 2]" in text
    assert "ablation no memory (without its memory): error = 0.5 [" in text and "steps = 2" in text
    assert "accept steps > 10: 3 FAILED" in text


def test_a_criterion_fails_on_a_missing_or_nan_figure_and_refuses_unknown_comparisons():
    assert not Criterion("x", "<", 1.0).holds(None)
    assert not Criterion("x", "<", 1.0).holds(float("nan"))
    with pytest.raises(ValueError, match="unknown comparison"):
        Criterion("x", "~", 1.0)


def test_the_seed_bootstrap_averages_seed_means_and_widens_with_seed_spread():
    rng = np.random.default_rng(1)
    alike = {s: rng.normal(0.5, 0.1, 400) for s in range(3)}
    apart = {
        0: rng.normal(0.2, 0.1, 400),
        1: rng.normal(0.5, 0.1, 400),
        2: rng.normal(0.8, 0.1, 400),
    }
    a, b = bootstrap_seeds(alike, seed=0), bootstrap_seeds(apart, seed=0)
    assert a.n == 3 and b.n == 3
    assert b.mean == pytest.approx(np.mean([v.mean() for v in apart.values()]))
    assert (b.high - b.low) > 5 * (a.high - a.low)  # the spread between seeds is in the interval
    assert b.low <= b.mean <= b.high
    # Items within seeds still count: one seed, many items, behaves like the item bootstrap.
    one = bootstrap_seeds({7: alike[0]}, seed=0)
    plain = bootstrap(alike[0], seed=0)
    assert one.n == 1 and one.mean == pytest.approx(plain.mean)
    assert (one.high - one.low) == pytest.approx(plain.high - plain.low, rel=0.2)
    # Unequal seeds weigh equally: the mean of means, not the pooled mean.
    assert bootstrap_seeds({0: [0.0] * 9, 1: [1.0]}).mean == 0.5
    assert bootstrap_seeds({0: [0.3], 1: [0.3]}) == Interval(0.3, 0.3, 0.3, 2)
    with pytest.raises(ValueError, match="at least one value"):
        bootstrap_seeds({0: []})


def test_repeated_training_seeds_and_ablations_without_figures_are_refused():
    with pytest.raises(ValueError, match="repeat"):
        Report("x", False, seeds=[1, 1]).to_json()
    with pytest.raises(ValueError, match="no figures"):
        Ablation("empty", "nothing measured", {})


def test_a_full_report_is_stored_for_the_page_and_a_quick_one_is_not(tmp_path):
    assert read_report(tmp_path) is None
    path = write_report(_report(quick=False), tmp_path)
    assert path.name == "evaluation.json"
    stored = read_report(tmp_path)
    assert stored == _report(quick=False).to_json()
    with pytest.raises(ValueError, match="full evaluation"):
        write_report(_report(quick=True), tmp_path)
