"""The plug-in surface: META is complete and importing the package stays light."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from demos.plugins.wage import META

REPO_ROOT = Path(__file__).resolve().parents[4]


def test_importing_the_package_does_not_import_torch_or_numpy() -> None:
    code = "import sys, demos.plugins.wage; print('torch' in sys.modules, 'numpy' in sys.modules)"
    out = subprocess.run(
        [sys.executable, "-c", code],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    assert out.stdout.split() == ["False", "False"]


def test_meta_has_bilingual_texts_and_links_the_wage_talk_points() -> None:
    for key in ("title", "summary", "explanation"):
        assert META[key]["en"] and META[key]["es"]
    assert META["talk"] == "koray-kavukcuoglu-iclr-2018"
    assert set(range(23, 31)) <= set(META["points"])
    assert len(META["nodes"]) == len(META["points"])


def test_every_param_has_a_valid_default_and_labels() -> None:
    for name, spec in META["params"].items():
        assert spec["label"]["en"] and spec["label"]["es"], name
        if spec["type"] == "choice":
            assert spec["default"] in spec["choices"], name
        elif spec["type"] == "int":
            assert spec["min"] <= spec["default"] <= spec["max"], name
    # The paper's headline setting is the default: ternary weights, 8-bit A, G and E.
    bits = [META["params"][k]["default"] for k in ("k_w", "k_a", "k_g", "k_e")]
    assert bits == ["2", "8", "8", "8"]
