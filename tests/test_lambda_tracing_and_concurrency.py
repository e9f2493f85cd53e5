"""Every Lambda function is traced with X-Ray; reserved concurrency is an answer that
defaults to none; the deploy checklist names what throttles each function."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.support.generated import cfn_lint, cfn_template

#: Every Lambda event source and auth branch of template.yaml.
LAMBDA_COMBINATIONS: dict[str, dict[str, Any]] = {
    "json-api-http-api-iam": {},
    "json-api-http-api-public": {"auth": "none", "public_until": "2099-01-31"},
    "json-api-function-url-iam": {"event_source": "function_url"},
    "json-api-function-url-public": {"event_source": "function_url", "auth": "none", "public_until": "2099-01-31"},
    "webhook-http-api": {"use_case": "webhook"},
    "webhook-function-url": {"use_case": "webhook", "event_source": "function_url"},
    "file-import-s3": {"use_case": "file_import"},
    "queue-consumer-sqs": {"use_case": "queue_consumer"},
    "queue-consumer-eventbridge": {"use_case": "queue_consumer", "event_source": "eventbridge"},
}

#: What the checklist's "Throttling and concurrency" line must say for each event source.
THROTTLING_WORDS = {
    "http_api": "HTTP API stage throttling (burst {burst}, rate {rate} requests/s for all routes and callers together) and a lower limit on `POST",
    "function_url": "a function URL has no gateway and no throttling of its own",
    "sqs": "the event source mapping runs at most {maximum} batches of up to 10 messages at once (`MaximumConcurrency`)",
    "s3": "S3 invokes the function asynchronously",
    "eventbridge": "EventBridge invokes the function asynchronously",
}
UNRESERVED = "no reserved concurrency: the function shares the account's unreserved concurrency (a quota of 10 in a new account"


def functions(template: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {name: resource["Properties"] for name, resource in template["Resources"].items()
            if resource["Type"] in {"AWS::Serverless::Function", "AWS::Lambda::Function"}}


def throttling_line(project: Path) -> str:
    [line] = re.findall(r"^- Throttling and concurrency: .*$", (project / "DEPLOY_CHECKLIST.md").read_text(), re.MULTILINE)
    return line


def event_source_of(answers: dict[str, Any]) -> str:
    defaults = {"json_api": "http_api", "webhook": "http_api", "file_import": "s3", "queue_consumer": "sqs"}
    return answers.get("event_source", defaults[answers.get("use_case", "json_api")])


def expected_throttling(answers: dict[str, Any], template: dict[str, Any]) -> str:
    resources = template["Resources"]
    numbers: dict[str, Any] = {}
    if "HttpApi" in resources:
        route = resources["HttpApi"]["Properties"]["DefaultRouteSettings"]
        numbers = {"burst": route["ThrottlingBurstLimit"], "rate": route["ThrottlingRateLimit"]}
    if "QueueEventSourceMapping" in resources:
        numbers = {"maximum": resources["QueueEventSourceMapping"]["Properties"]["ScalingConfig"]["MaximumConcurrency"]}
    return THROTTLING_WORDS[event_source_of(answers)].format(**numbers)


#: A public function URL has no gateway in front of it: its default reservation is its limit.
RESERVED_BY_DEFAULT = {"json-api-function-url-public": 10}


@pytest.mark.parametrize("name", sorted(LAMBDA_COMBINATIONS))
def test_every_function_is_traced_and_reserves_no_concurrency_by_default(name: str, render_project: Callable[..., Path]) -> None:
    answers = LAMBDA_COMBINATIONS[name]
    project = render_project(**answers)
    template = cfn_template(project)
    found = functions(template)
    assert found, "the template has a function"
    reserved = RESERVED_BY_DEFAULT.get(name)
    for function, properties in found.items():
        assert properties.get("Tracing") == "Active", f"{function} is not traced"
        assert properties.get("ReservedConcurrentExecutions") == reserved, "0 means none, and none is rendered as no property"
    lint = cfn_lint(project / "template.yaml")
    assert lint.returncode == 0, lint.stdout

    line = throttling_line(project)
    assert expected_throttling(answers, template) in line, line
    assert (UNRESERVED in line) == (reserved is None), line
    if event_source_of(answers) == "function_url" and reserved is None:
        assert "set `reserved_concurrency` or put CloudFront with a WAF rate rule in front" in line


@pytest.mark.parametrize("name, reserved, maximum", [
    ("json-api-http-api-iam", 5, None),
    ("json-api-function-url-public", 20, None),
    ("queue-consumer-sqs", 4, 4),
    ("queue-consumer-sqs", 50, 10),
    ("file-import-s3", 2, None),
])
def test_reserved_concurrency_is_rendered_when_set_and_named_in_the_checklist(
    name: str, reserved: int, maximum: int | None, render_project: Callable[..., Path]
) -> None:
    answers = {**LAMBDA_COMBINATIONS[name], "reserved_concurrency": reserved}
    project = render_project(**answers)
    template = cfn_template(project)
    [properties] = functions(template).values()
    assert properties["ReservedConcurrentExecutions"] == reserved
    assert properties["Tracing"] == "Active"
    if maximum is not None:
        scaling = template["Resources"]["QueueEventSourceMapping"]["Properties"]["ScalingConfig"]
        assert scaling["MaximumConcurrency"] == maximum, "never more pollers than the function may run"
    lint = cfn_lint(project / "template.yaml")
    assert lint.returncode == 0, lint.stdout

    line = throttling_line(project)
    assert expected_throttling(answers, template) in line, line
    assert f"reserved concurrency {reserved} caps the function at {reserved} instances at once" in line
    assert UNRESERVED not in line
    assert f"reserved concurrency {reserved}" in (project / "AGENTS.md").read_text()


def test_cfn_lint_checks_the_tracing_and_concurrency_values(render_project: Callable[..., Path]) -> None:
    """cfn-lint validates both properties, so a clean lint above means valid values."""
    project = render_project(reserved_concurrency=5)
    text = (project / "template.yaml").read_text()
    broken = text.replace("Tracing: Active", "Tracing: Always").replace("ReservedConcurrentExecutions: 5", "ReservedConcurrentExecutions: -5")
    (project / "template.yaml").write_text(broken)
    lint = cfn_lint(project / "template.yaml")
    assert "'Always' is not one of ['Active', 'PassThrough', 'Disabled']" in lint.stdout
    assert "-5 is less than the minimum of 0" in lint.stdout


def test_function_url_readme_says_how_to_cap_it(render_project: Callable[..., Path]) -> None:
    unreserved = (render_project(use_case="webhook", event_source="function_url") / "README.md").read_text()
    assert "No gateway stands in front of a function URL, so nothing throttles its callers." in unreserved
    assert "copier update --trust --defaults --data reserved_concurrency=<n>" in unreserved
    public = {"event_source": "function_url", "auth": "none", "public_until": "2099-01-31"}
    reserved = (render_project(**public, reserved_concurrency=7) / "README.md").read_text()
    assert "Reserved concurrency caps the function at\n7 instances at once" in reserved


@pytest.mark.parametrize("answers, words", [
    ({"platform": "workers"}, "each caller (its API key, else its IP address; an IPv6 /64 counts as one) may send 100 requests per 60 s"),
    ({"platform": "workers", "use_case": "queue_consumer"}, "`max_concurrency` is unset, so Queues scales consumer invocations"),
    ({"platform": "workers", "use_case": "file_import", "event_source": "cron"}, "one run per cron schedule (`*/15 * * * *`)"),
    ({"platform": "workers", "use_case": "edge_redirect"}, "each IP address (an IPv6 /64 counts as one) may send 100 requests per 60 s"),
])
def test_workers_checklists_name_their_throttling_too(answers: dict[str, Any], words: str, render_project: Callable[..., Path]) -> None:
    project = render_project(**answers)
    assert words in throttling_line(project)
    assert "reserved" not in throttling_line(project), "reserved concurrency is a Lambda setting"
