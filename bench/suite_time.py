"""Wall time of the template's test suite: the whole of `make test`, and single matrix
entries (one Lambda, one Workers) run on their own.

The matrix tests install one node_modules per distinct package.json into `.cache/`
(tests/support/node.py). A single entry is timed with that cache warm: when its run had
to install (the cache grew), it is run again and the second time is the one reported, and
the result says so. These are timings, not assertions; a busy machine makes them longer.

    .venv/bin/python bench/suite_time.py [--skip-full-suite]
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PYTEST = Path(sys.executable).with_name("pytest")
CACHE = Path(os.environ.get("COPIER_SERVERLESS_CACHE", ROOT / ".cache")) / "node_modules"

#: `make test`'s command.
FULL_SUITE = [str(PYTEST), "-n", "2", "--dist", "loadgroup"]
#: One entry per platform: the first Lambda use-case combination and the Workers defaults.
ENTRIES = {
    "lambda": "tests/test_lambda_use_cases.py::test_combination_renders_and_its_own_tests_pass[json_api-function_url-iam]",
    "workers": "tests/test_workers.py::test_combination_renders_validates_and_passes_its_tests[json_api-fetch-durable_object-api_key]",
}


@dataclass(frozen=True)
class SuiteRun:
    command: list[str]
    seconds: float
    outcome: str  # pytest's last summary line, e.g. "54 passed in 401.2s"
    passed: bool
    cache: str  # "warm" or what happened to the node_modules cache

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


def cached_installs() -> int:
    """How many node_modules installs the test cache holds."""
    if not CACHE.is_dir():
        return 0
    return sum(1 for path in CACHE.iterdir() if path.is_dir() and not path.name.endswith(".staging"))


def timed_pytest(arguments: list[str]) -> tuple[float, str, bool]:
    started = time.perf_counter()
    result = subprocess.run(arguments, check=False, cwd=ROOT, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    lines = [line for line in result.stdout.splitlines() if line.strip()]
    summary = re.sub(r"^=+ | =+$", "", lines[-1]) if lines else f"exit {result.returncode}"
    return seconds, summary, result.returncode == 0


def full_suite() -> SuiteRun:
    before = cached_installs()
    seconds, summary, passed = timed_pytest(FULL_SUITE)
    added = cached_installs() - before
    cache = "warm" if added == 0 else f"cold: {added} npm install(s) during the run"
    return SuiteRun(command=FULL_SUITE, seconds=seconds, outcome=summary, passed=passed, cache=cache)


def single_entry(node_id: str) -> SuiteRun:
    command = [str(PYTEST), node_id]
    before = cached_installs()
    seconds, summary, passed = timed_pytest(command)
    cache = "warm"
    if cached_installs() > before:
        cold_seconds = seconds
        seconds, summary, passed = timed_pytest(command)
        cache = f"warm on the rerun reported here (the first run installed node_modules: {cold_seconds:.0f} s)"
    return SuiteRun(command=command, seconds=seconds, outcome=summary, passed=passed, cache=cache)


def measure(full: bool = True) -> dict[str, SuiteRun]:
    """The whole suite first (it warms the cache), then each single entry."""
    runs: dict[str, SuiteRun] = {}
    if full:
        runs["full"] = full_suite()
    for name, node_id in ENTRIES.items():
        runs[name] = single_entry(node_id)
    return runs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--skip-full-suite", action="store_true", help="time the single entries only")
    options = parser.parse_args()
    for name, run in measure(full=not options.skip_full_suite).items():
        print(f"{name:>8}: {run.seconds:7.1f} s  {run.outcome}  (cache {run.cache})")


if __name__ == "__main__":
    main()
