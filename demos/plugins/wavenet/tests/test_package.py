"""The package's __init__ (META) imports without torch, and META follows the plug-in contract."""

from __future__ import annotations

import re
import subprocess
import sys

from demos.plugins.wavenet import META, NOTES, TIMBRES, task


def test_importing_the_package_does_not_import_torch_numpy_or_numba() -> None:
    code = "import sys, demos.plugins.wavenet; print(*(m in sys.modules for m in ('torch', 'numpy', 'numba')))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False", "False"]


def test_meta_choices_match_the_synthesiser() -> None:
    assert NOTES == task.NOTES and TIMBRES == task.TIMBRE_NAMES
    assert META["params"]["note"]["default"] in NOTES


def test_meta_is_bilingual_and_cites_points_4_to_9() -> None:
    for key in ("title", "summary", "explanation"):
        assert META[key]["en"] and META[key]["es"]
    for spec in META["params"].values():
        assert "default" in spec and spec["label"]["en"] and spec["label"]["es"]
    assert META["talk"] == "koray-kavukcuoglu-iclr-2018"
    assert META["nodes"] == ["E", "F", "G", "H", "I", "J"]
    for lang in ("en", "es"):
        cited = {
            int(n)
            for n in re.findall(
                r"\(puntos? ([\d y]+)\)|\(points? ([\d and]+)\)",
                META["explanation"][lang],
            )
            for n in re.findall(r"\d+", " ".join(n))
        }
        assert cited == set(META["points"])
