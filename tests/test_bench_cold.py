"""`npm run bench:cold` in Lambda renders: it runs the handler's import and its first event
in fresh node processes against dynalite, prints its table, and refuses to print numbers
for a first event that did not do its work. No timing is asserted (numbers, not targets)."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.support.node import install_node_modules, run

pytestmark = pytest.mark.slow

#: One render per Lambda entry point: HTTP with each way of calling (IAM, a local API key,
#: a signed webhook) and each event consumer.
BENCHED: dict[str, dict[str, Any]] = {
    "json_api-iam": {"platform": "lambda", "use_case": "json_api"},
    "json_api-function_url-api_key": {"platform": "lambda", "use_case": "json_api", "event_source": "function_url", "auth": "api_key"},
    "webhook": {"platform": "lambda", "use_case": "webhook"},
    "file_import-s3": {"platform": "lambda", "use_case": "file_import"},
    "queue_consumer-sqs": {"platform": "lambda", "use_case": "queue_consumer", "event_source": "sqs"},
    "queue_consumer-eventbridge": {"platform": "lambda", "use_case": "queue_consumer", "event_source": "eventbridge"},
}

ROWS = (
    "node start-up, before any import",
    "floor: an empty module",
    "floor: @aws-sdk/client-dynamodb",
    "src/handler.mjs import",
    "import + first event",
    "  of which the first event",
)
NUMBER = r"\s+(\d+\.\d)"


@pytest.mark.parametrize("name", sorted(BENCHED))
def test_bench_cold_prints_its_table(render_project: Callable[..., Path], name: str) -> None:
    project = render_project(**BENCHED[name])
    install_node_modules(project)
    printed = run(["npm", "run", "bench:cold", "--", "2"], project, timeout=300).stdout
    assert "Cold start of src/handler.mjs, 2 fresh node processes each (milliseconds)" in printed
    for row in ROWS:
        match = re.search(rf"^{re.escape(row)}{NUMBER}{NUMBER}{NUMBER}$", printed, re.MULTILINE)
        assert match, f"no row {row!r} in\n{printed}"
        median, low, high = (float(value) for value in match.groups())
        assert 0 <= low <= median <= high
    first_fixture = re.search(r"The first event is (events/\S+\.json)", printed)
    assert first_fixture and (project / first_fixture.group(1)).is_file()


def test_bench_cold_refuses_a_first_event_that_failed(render_project: Callable[..., Path]) -> None:
    project = render_project(platform="lambda", use_case="json_api")
    install_node_modules(project)
    # A body limit below the fixture's size: the first POST /orders answers 413, an error path.
    failed = run(["npm", "run", "bench:cold", "--", "1"], project, check=False, env={"MAX_BODY_BYTES": "8"})
    assert failed.returncode == 1
    assert "events/post-order.json did not do its work" in failed.stderr
    assert '"status":413' in failed.stderr
    assert "milliseconds" not in failed.stdout


def test_bench_cold_explains_a_bad_sample_count(render_project: Callable[..., Path]) -> None:
    project = render_project(platform="lambda", use_case="json_api")
    install_node_modules(project)
    refused = run(["npm", "run", "bench:cold", "--", "many"], project, check=False)
    assert refused.returncode == 2
    assert 'usage: npm run bench:cold -- <samples, 1 to 100> (got "many")' in refused.stderr
