"""Read the fuzz reports a generated repo's own tests print.

Each fast-check property in a generated repo prints one line when it passes:
    FUZZ-REPORT {"target": "POST /orders", "events": 10000, "failures": 0}
The template's matrix tests run `npm test` with FUZZ_RUNS set and check these lines,
so a fuzz test that silently ran fewer events (or none) fails here.
"""

from __future__ import annotations

import json
import re
from typing import Any

#: Events per handler that CI must generate (issue: at least 10 000 per handler).
CI_FUZZ_RUNS = 10_000
FUZZ_ENV = {"FUZZ_RUNS": str(CI_FUZZ_RUNS)}

_REPORT = re.compile(r"FUZZ-REPORT (\{.*?\})\s*$", re.MULTILINE)


def fuzz_reports(output: str) -> list[dict[str, Any]]:
    return [json.loads(match) for match in _REPORT.findall(output)]


def assert_fuzzed(output: str, minimum_per_target: int = CI_FUZZ_RUNS) -> list[dict[str, Any]]:
    """Every reported target ran at least ``minimum_per_target`` events with no failure."""
    reports = fuzz_reports(output)
    assert reports, f"the generated tests printed no FUZZ-REPORT line\n{output[-4000:]}"
    for report in reports:
        assert report["failures"] == 0, report
        assert report["events"] >= minimum_per_target, report
    return reports
