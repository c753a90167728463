"""The package's import contract and META schema."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[4]


def test_importing_the_package_does_not_import_torch():
    code = "import sys, demos.plugins.dnc; assert 'torch' not in sys.modules and 'numpy' not in sys.modules; print(demos.plugins.dnc.META['slug'])"
    done = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "dnc"


def test_every_parameter_has_a_default_and_bilingual_label():
    from demos.plugins.dnc import META

    assert META["points"] and len(META["points"]) == len(META["nodes"])
    for text in ("title", "summary", "explanation"):
        assert set(META[text]) == {"en", "es"}
    for name, spec in META["params"].items():
        assert set(spec["label"]) == {"en", "es"}, name
        assert "default" in spec, name
        if spec["type"] == "int":
            assert spec["min"] <= spec["default"] <= spec["max"], name
        if spec["type"] == "choice":
            assert spec["default"] in spec["choices"], name
