"""Where the suite's time goes, for bench/suite_time.py.

With COPIER_SERVERLESS_TIMINGS=<file>, every render, npm install, node_modules copy and
generated-repo command appends one JSON line {"phase", "seconds", "test"} to that file.
Without it nothing is written, and a phase costs one perf_counter call.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager

TIMINGS_FILE = os.environ.get("COPIER_SERVERLESS_TIMINGS")


def record(phase: str, seconds: float) -> None:
    if not TIMINGS_FILE:
        return
    # The test's id without pytest's " (call)" stage suffix.
    test = os.environ.get("PYTEST_CURRENT_TEST", "").rsplit(" ", 1)[0]
    line = json.dumps({"phase": phase, "seconds": round(seconds, 3), "test": test}) + "\n"
    # One short write in append mode: the two xdist workers' lines do not interleave.
    with open(TIMINGS_FILE, "a") as timings:
        timings.write(line)


@contextmanager
def timed(phase: str) -> Iterator[None]:
    started = time.perf_counter()
    try:
        yield
    finally:
        record(phase, time.perf_counter() - started)
