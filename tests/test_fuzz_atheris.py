"""The atheris target (fuzz/atheris_importer.py) runs: a few thousand libFuzzer iterations, no crash."""

from __future__ import annotations

import resource
import subprocess
import sys

import pytest

from tests.live import ROOT

pytest.importorskip("atheris")

#: How much memory the fuzzer may take of its own (libFuzzer's default limit).
OWN_RSS_LIMIT_MB = 2048


def rss_limit_mb() -> int:
    """libFuzzer's ``-rss_limit_mb`` for a child of this process: its own allowance above our peak.

    libFuzzer reads its memory as ``getrusage().ru_maxrss``, and Linux carries the peak of the
    process that spawned it across ``exec``: a child of a pytest that has grown to 2 GB over the
    suite starts "at" 2 GB and the default limit kills it at once (CI, with an input of 89 bytes).
    """
    inherited = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024  # kB on Linux
    return inherited + OWN_RSS_LIMIT_MB


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
            f"-rss_limit_mb={rss_limit_mb()}",
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
