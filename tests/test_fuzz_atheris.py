"""The atheris target (fuzz/atheris_importer.py) runs: a few thousand libFuzzer iterations, no crash."""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.live import ROOT

pytest.importorskip("atheris")


@pytest.mark.slow
def test_the_atheris_target_runs_without_a_crash(tmp_path):
    # cwd: a crash would write its input (crash-…) here, not into the repository.
    result = subprocess.run(
        [
            sys.executable,
            str(ROOT / "fuzz" / "atheris_importer.py"),
            "-atheris_runs=2000",
            "-timeout=30",
            "-seed=12",
            "-max_len=512",
            "-len_control=0",
        ],
        check=False,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output[-3000:]
    assert "Done 2000 in" in output
    assert not list(tmp_path.glob("crash-*"))
