"""The default answers render a working Lambda JSON API: its own tests pass against
dynalite, its SAM template is clean under cfn-lint, and nothing of the template leaks."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml

from tests.support.fuzz import FUZZ_ENV, assert_fuzzed
from hooks.variants import combination_of
from tests.support.generated import assert_no_template_leftovers, cfn_lint, cfn_template
from tests.support.matrix import LAMBDA_JSON_API_SETS as NON_DEFAULT_ANSWER_SETS
from tests.support.node import install_node_modules, run
from tests.support.quiet import assert_quiet

#: The fast-check properties of the generated fuzz-orders-api.test.mjs, one report each.
FUZZ_TARGETS = combination_of({}).variant.fuzz_targets


def assert_reliability_harnesses_ran(output: str) -> None:
    """The fuzz ran 10 000 events per target, and the log canary and 100-request tests ran."""
    reports = assert_fuzzed(output)
    assert {report["target"] for report in reports} == FUZZ_TARGETS
    assert "writes no secret or personal data to any log line" in output
    assert "accepts an order once when 100 identical requests arrive together" in output
    assert "releases the key when the side effect fails mid-burst" in output


@pytest.mark.xdist_group("lambda_json_api")
def test_defaults_render_a_lambda_json_api_whose_own_tests_pass(render_project: Callable[..., Path]) -> None:
    project = render_project()
    answers = yaml.safe_load((project / ".copier-answers.yml").read_text())
    assert (answers["platform"], answers["use_case"], answers["event_source"]) == ("lambda", "json_api", "http_api")
    assert answers["idempotency_store"] == "dynamodb" and answers["auth"] == "iam"

    install_node_modules(project)
    result = run(["npm", "test"], project, env=FUZZ_ENV)
    summary = dict(re.findall(r"^# (tests|pass|fail) (\d+)$", result.stdout, re.MULTILINE))
    assert int(summary["fail"]) == 0
    assert int(summary["pass"]) >= 40, result.stdout[-3000:]
    assert_reliability_harnesses_ran(result.stdout + result.stderr)
    assert_quiet(result.stdout + result.stderr)


@pytest.mark.parametrize("name", sorted(NON_DEFAULT_ANSWER_SETS))
@pytest.mark.xdist_group("lambda_json_api")
def test_other_answer_sets_render_and_pass_their_tests(render_project: Callable[..., Path], name: str) -> None:
    answers = NON_DEFAULT_ANSWER_SETS[name]
    project = render_project(**answers)
    install_node_modules(project)
    result = run(["npm", "test"], project, env=FUZZ_ENV)
    assert_reliability_harnesses_ran(result.stdout + result.stderr)
    assert_no_template_leftovers(project)
    lint = cfn_lint(project / "template.yaml")
    assert lint.returncode == 0, lint.stdout


def test_invoke_prints_the_response_and_the_log_lines(render_project: Callable[..., Path]) -> None:
    project = render_project()
    install_node_modules(project)
    result = run(["npm", "run", "--silent", "invoke", "--", "events/post-order.json", "events/post-order.json"], project)
    responses = re.findall(r'"statusCode": (\d+)', result.stdout)
    assert responses == ["202", "202"]
    assert '"idempotent-replayed": "true"' in result.stdout
    log_lines = [json.loads(line) for line in result.stdout.splitlines() if line.startswith('  {"timestamp"')]
    assert {entry["message"] for entry in log_lines} >= {"order accepted", "request completed"}
    assert all(entry["correlationId"] == "checkout-7f3a" for entry in log_lines)


def test_invoke_explains_a_missing_fixture(render_project: Callable[..., Path]) -> None:
    project = render_project()
    install_node_modules(project)
    result = run(["node", "scripts/invoke.mjs", "events/nope.json"], project, check=False)
    assert result.returncode == 2
    assert "cannot read events/nope.json" in result.stderr


def test_sam_template_is_clean_under_cfn_lint(render_project: Callable[..., Path]) -> None:
    project = render_project()
    lint = cfn_lint(project / "template.yaml")
    assert lint.returncode == 0, lint.stdout


def test_sam_template_grants_exact_dynamodb_actions_on_the_table_only(render_project: Callable[..., Path]) -> None:
    template = cfn_template(render_project())
    function = template["Resources"]["Function"]["Properties"]
    assert (function["CodeUri"], function["Handler"]) == ("src/", "handler.handler")
    assert function["Runtime"] == "nodejs22.x" and function["Architectures"] == ["arm64"]
    assert function["Timeout"] == 10 and function["MemorySize"] == 256
    assert function["LoggingConfig"]["LogFormat"] == "JSON"
    [statement] = [s for policy in function["Policies"] for s in policy["Statement"]]
    assert sorted(statement["Action"]) == ["dynamodb:DeleteItem", "dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem"]
    assert statement["Resource"] == {"!GetAtt": "IdempotencyTable.Arn"}, "never *"
    raw = (render_project() / "template.yaml").read_text()
    assert "Resource: !GetAtt IdempotencyTable.Arn" in raw
    assert '"*"' not in raw and "Resource: '*'" not in raw


def test_sam_template_has_ttl_retention_alarms_and_iam_auth(render_project: Callable[..., Path]) -> None:
    resources = cfn_template(render_project())["Resources"]
    table = resources["IdempotencyTable"]["Properties"]
    assert table["BillingMode"] == "PAY_PER_REQUEST"
    assert table["TimeToLiveSpecification"] == {"AttributeName": "expiresAt", "Enabled": True}
    assert resources["FunctionLogGroup"]["Properties"]["RetentionInDays"] == 30
    assert resources["HttpApi"]["Properties"]["Auth"]["DefaultAuthorizer"] == "AWS_IAM"
    alarms = {name for name, r in resources.items() if r["Type"] == "AWS::CloudWatch::Alarm"}
    assert {"FunctionErrorsAlarm", "FunctionThrottlesAlarm"} <= alarms


def test_public_endpoint_is_tagged_with_its_review_date(render_project: Callable[..., Path]) -> None:
    project = render_project(auth="none", public_until="2027-01-31")
    resources = cfn_template(project)["Resources"]
    assert "Auth" not in resources["HttpApi"]["Properties"]
    assert resources["HttpApi"]["Properties"]["Tags"]["public-until"] == "2027-01-31"


def test_answers_shape_the_generated_config(render_project: Callable[..., Path]) -> None:
    project = render_project(max_body_kb=8, idempotency_ttl_hours=2, timeout_s=7, log_retention_days=14)
    config = (project / "src" / "config.mjs").read_text()
    assert "8192" in config and "7200" in config and "'FUNCTION_TIMEOUT_SECONDS', 7," in config
    resources = cfn_template(project)["Resources"]
    assert resources["FunctionLogGroup"]["Properties"]["RetentionInDays"] == 14
    env = resources["Function"]["Properties"]["Environment"]["Variables"]
    assert env["MAX_BODY_BYTES"] == "8192" and env["IDEMPOTENCY_TTL_SECONDS"] == "7200"


def test_generated_default_repo_has_no_template_leftovers(render_project: Callable[..., Path]) -> None:
    assert_no_template_leftovers(render_project())


def test_generated_fixtures_are_real_http_api_v2_events(render_project: Callable[..., Path]) -> None:
    project = render_project()
    for fixture in sorted((project / "events").glob("*.json")):
        event = json.loads(fixture.read_text())
        assert event["version"] == "2.0", fixture.name
        assert event["requestContext"]["http"]["method"] in {"GET", "POST", "DELETE"}
        assert event["rawPath"] == event["requestContext"]["http"]["path"]
        assert all(name == name.lower() for name in event["headers"]), "HTTP API lowercases header names"


@pytest.mark.xdist_group("lambda_json_api")
def test_generated_tests_fail_when_the_claim_is_not_conditional(render_project: Callable[..., Path]) -> None:
    """The generated suite is a real safety net: dropping the atomic condition breaks it."""
    project = render_project()
    install_node_modules(project)
    store = project / "src" / "lib" / "stores" / "dynamodb.mjs"
    source = store.read_text()
    condition = re.search(r"\n\s*ConditionExpression:\n\s*'attribute_not_exists\(pk\)[^\n]*", source)
    assert condition, "the claim's condition moved; update this test"
    store.write_text(source.replace(condition.group(0), ""))
    result = run(["npm", "test"], project, check=False)
    assert result.returncode != 0
    assert "not ok" in result.stdout and "100 identical requests" in result.stdout
