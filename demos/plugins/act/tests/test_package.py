"""The package's __init__ (META) imports without torch, and META follows the plug-in contract."""

from __future__ import annotations

import re
import subprocess
import sys

from demos.plugins.act import META


def test_importing_the_package_does_not_import_torch_or_numpy() -> None:
    code = "import sys, demos.plugins.act; print('torch' in sys.modules, 'numpy' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False"]


def test_meta_is_bilingual_and_every_param_has_a_default_and_labels() -> None:
    for key in ("title", "summary", "explanation"):
        assert META[key]["en"] and META[key]["es"]
    for spec in META["params"].values():
        assert "default" in spec and spec["label"]["en"] and spec["label"]["es"]
    assert META["points"] == [16, 17, 18, 19, 20] and META["nodes"] == [
        "Q",
        "R",
        "S",
        "T",
        "U",
    ]
    for lang in ("en", "es"):
        cited = {int(n) for n in re.findall(r"\b(\d+)\b", META["explanation"][lang])}
        assert set(META["points"]) <= cited
