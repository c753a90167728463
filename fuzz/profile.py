"""Hypothesis settings for the fuzz tests, and a hard time limit per example.

``FUZZ_PROFILE=ci`` (the default) is derandomized: the same examples on every run, few enough to keep
CI fast. ``FUZZ_PROFILE=long`` draws fresh random examples, fifty times as many (run it by hand:
``FUZZ_PROFILE=long pytest tests/test_fuzz_importer.py tests/test_fuzz_mermaid.py``).
``FUZZ_EXAMPLES=N`` overrides the count of either.
"""

from __future__ import annotations

import os
import signal
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta

from hypothesis import HealthCheck, settings

PROFILE = os.environ.get("FUZZ_PROFILE", "ci")
# "Never hangs": an example slower than this fails (Hypothesis' deadline, checked after the fact; the
# slowest, a 1 MB graph line of 43,000 nodes, takes 0.8 s idle and took 12 s on the loaded 2-core machine) ...
DEADLINE_S = float(os.environ.get("FUZZ_DEADLINE_S", "20"))
# ... and one that runs into an endless loop is interrupted here (SIGALRM), not left to CI's timeout.
HARD_LIMIT_S = 3 * DEADLINE_S


class Hang(AssertionError):
    """An example ran past the hard time limit."""


def fuzz_settings(ci_examples: int) -> settings:
    examples = int(os.environ.get("FUZZ_EXAMPLES", "0")) or (
        ci_examples * 50 if PROFILE == "long" else ci_examples
    )
    return settings(
        max_examples=examples,
        derandomize=PROFILE != "long",
        deadline=timedelta(seconds=DEADLINE_S),
        database=None,
        print_blob=True,
        suppress_health_check=[
            HealthCheck.too_slow,
            HealthCheck.function_scoped_fixture,
            HealthCheck.data_too_large,
        ],
    )


@contextmanager
def time_limit(seconds: float = HARD_LIMIT_S) -> Iterator[None]:
    """Raise :class:`Hang` in the main thread when the block runs longer than ``seconds``."""

    def interrupt(signum, frame):
        raise Hang(f"no answer within {seconds:g} s")

    previous = signal.signal(signal.SIGALRM, interrupt)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
