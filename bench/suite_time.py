"""Wall time of the template's test suite: the whole of `make test`, and single matrix
entries (one Lambda, one Workers) run on their own.

The matrix tests install one node_modules per distinct package.json into `.cache/`
(tests/support/node.py). A single entry is timed with that cache warm: when its run had
to install (the cache grew), it is run again and the second time is the one reported, and
the result says so. These are timings, not assertions; a busy machine makes them longer.

The whole suite also says where its time goes: pytest's --durations gives each test's
time, and tests/support/timings.py (COPIER_SERVERLESS_TIMINGS) logs every render, npm
install, node_modules copy and generated-repo command. `breakdown` sums them by phase and
gives the matrix tests' times per combination.

    .venv/bin/python bench/suite_time.py [--skip-full-suite]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from dataclasses import asdict, dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PYTEST = Path(sys.executable).with_name("pytest")
CACHE = Path(os.environ.get("COPIER_SERVERLESS_CACHE", ROOT / ".cache")) / "node_modules"

#: `make test`'s command.
FULL_SUITE = [str(PYTEST), "-n", "2", "--dist", "loadgroup"]
#: The tests that render one combination of the answer matrix and run its own npm test.
MATRIX_TESTS = {
    "Lambda use cases": "tests/test_lambda_use_cases.py::test_combination_renders_and_its_own_tests_pass",
    "Lambda JSON API answer sets": "tests/test_lambda_json_api.py::test_other_answer_sets_render_and_pass_their_tests",
    "Workers": "tests/test_workers.py::test_combination_renders_validates_and_passes_its_tests",
}
DURATION = re.compile(r"^\s*([\d.]+)s (?:setup|call|teardown)\s+(\S+)\s*$", re.MULTILINE)

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
    breakdown: dict[str, object] | None = None  # the whole suite only: see breakdown()

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


def cached_installs() -> int:
    """How many node_modules installs the test cache holds."""
    if not CACHE.is_dir():
        return 0
    return sum(1 for path in CACHE.iterdir() if path.is_dir() and not path.name.endswith(".staging"))


def timed_pytest(arguments: list[str], env: dict[str, str] | None = None) -> tuple[float, str, bool, str]:
    started = time.perf_counter()
    result = subprocess.run(arguments, check=False, cwd=ROOT, capture_output=True, text=True, env={**os.environ, **(env or {})})
    seconds = time.perf_counter() - started
    lines = [line for line in result.stdout.splitlines() if line.strip()]
    summary = re.sub(r"^=+ | =+$", "", lines[-1]) if lines else f"exit {result.returncode}"
    return seconds, summary, result.returncode == 0, result.stdout


def breakdown(pytest_output: str, timings: list[dict[str, object]]) -> dict[str, object]:
    """Test seconds (summed over the xdist workers) by phase, and per matrix combination."""
    per_test: dict[str, float] = defaultdict(float)
    for seconds, node_id in DURATION.findall(pytest_output):
        per_test[node_id] += float(seconds)
    total = sum(per_test.values())
    phases: dict[str, float] = defaultdict(float)
    for line in timings:
        phases[str(line["phase"])] += float(line["seconds"])  # type: ignore[arg-type]
    phases["the rest: pytest, Python-side checks, fixtures"] = total - sum(phases.values())
    matrix = {}
    for name, prefix in MATRIX_TESTS.items():
        times = [seconds for node_id, seconds in per_test.items() if node_id.startswith(f"{prefix}[")]
        if times:
            matrix[name] = {"combinations": len(times), "median_s": statistics.median(times), "max_s": max(times), "sum_s": sum(times)}
    return {"test_seconds": total, "phases_s": dict(phases), "matrix": matrix}


def full_suite() -> SuiteRun:
    before = cached_installs()
    with tempfile.NamedTemporaryFile("r", suffix=".jsonl") as log:
        seconds, summary, passed, output = timed_pytest([*FULL_SUITE, "--durations=0"], env={"COPIER_SERVERLESS_TIMINGS": log.name})
        timings = [json.loads(line) for line in log.read().splitlines() if line.strip()]
    added = cached_installs() - before
    cache = "warm" if added == 0 else f"cold: {added} npm install(s) during the run"
    return SuiteRun(command=FULL_SUITE, seconds=seconds, outcome=summary, passed=passed, cache=cache, breakdown=breakdown(output, timings))


def single_entry(node_id: str) -> SuiteRun:
    command = [str(PYTEST), node_id]
    before = cached_installs()
    seconds, summary, passed, _ = timed_pytest(command)
    cache = "warm"
    if cached_installs() > before:
        cold_seconds = seconds
        seconds, summary, passed, _ = timed_pytest(command)
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
