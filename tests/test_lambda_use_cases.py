"""Every Lambda combination the questionnaire allows beyond the default JSON API renders,
passes its own tests, is clean under cfn-lint, replays every fixture through
`npm run invoke`, and wires its event source with least privilege.

The generated repos prove their AWS SDK calls for Secrets Manager, SSM and SQS against
moto's server (started here once per worker); everything else runs on dynalite and
in-process recorders inside the generated tests themselves.
"""

from __future__ import annotations

import json
import re
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from hooks.variants import combination_of
from tests.support.fuzz import FUZZ_ENV, assert_fuzzed
from tests.support.generated import assert_no_template_leftovers, cfn_lint, cfn_template
from tests.support.matrix import LAMBDA_JSON_API_SETS, in_language, matrix, typescript_sample
from tests.support.node import install_node_modules, run
from tests.support.quiet import assert_quiet

#: Every allowed Lambda combination in JavaScript (tests/support/matrix.py) except those
#: that tests/test_lambda_json_api.py renders: the defaults and its named answer sets.
RENDERED_BY_JSON_API_TESTS = {combination_of(answers).id for answers in ({}, *LAMBDA_JSON_API_SETS.values())}
#: The TypeScript sample (matrix.py typescript_sample): the same tests, fuzz targets, canaries
#: and fixtures on the derived `.ts` code, after `tsc`. tests/test_typescript.py runs the
#: JSON API's HTTP API auths in TypeScript, with its bundle answering the fixtures.
RENDERED_BY_TYPESCRIPT_TESTS = {combination_of({"language": "typescript", "auth": auth}).id for auth in ("iam", "none", "api_key")}
COMBINATIONS: dict[str, dict[str, Any]] = {
    name: answers
    for name, answers in {**in_language(matrix("lambda"), "javascript"), **typescript_sample("lambda")}.items()
    if name not in RENDERED_BY_JSON_API_TESTS | RENDERED_BY_TYPESCRIPT_TESTS
}

#: Fixtures whose handler throws on purpose (Lambda retries them, then the DLQ keeps them).
THROWS_ON_PURPOSE = {"event-invalid-detail.json", "event-missing-id.json"}

@pytest.fixture(scope="session")
def aws_emulator() -> Iterator[dict[str, str]]:
    """moto's server on a free loopback port, as the AWS SDK's per-service endpoint."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen(
        [str(Path(sys.executable).with_name("moto_server")), "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 30
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            if time.monotonic() > deadline or server.poll() is not None:
                server.kill()
                raise RuntimeError("moto_server did not start") from None
            time.sleep(0.2)
    endpoint = f"http://127.0.0.1:{port}"
    try:
        yield {
            "AWS_ENDPOINT_URL_SQS": endpoint,
            "AWS_ENDPOINT_URL_SECRETS_MANAGER": endpoint,
            "AWS_ENDPOINT_URL_SSM": endpoint,
            "AWS_REGION": "us-east-1",
            "AWS_ACCESS_KEY_ID": "testing",
            "AWS_SECRET_ACCESS_KEY": "testing",
        }
    finally:
        server.terminate()
        server.wait(timeout=10)


def npm_test_summary(output: str) -> dict[str, int]:
    return {name: int(count) for name, count in re.findall(r"^# (tests|pass|fail|skipped) (\d+)$", output, re.MULTILINE)}


@pytest.mark.slow
@pytest.mark.parametrize("name", COMBINATIONS)
def test_combination_renders_and_its_own_tests_pass(name: str, render_project: Callable[..., Path], aws_emulator: dict[str, str]) -> None:
    answers = COMBINATIONS[name]
    project = render_project(**answers)
    assert_no_template_leftovers(project)

    lint = cfn_lint(project / "template.yaml")
    assert lint.returncode == 0, lint.stdout + lint.stderr
    assert_least_privilege_wiring(name, answers, project)
    assert_fixtures_hold_no_secret(project)

    install_node_modules(project)
    result = run(["npm", "test"], project, env={**aws_emulator, **FUZZ_ENV})
    summary = npm_test_summary(result.stdout)
    assert summary["fail"] == 0 and summary.get("skipped", 0) == 0, result.stdout[-3000:]
    assert summary["pass"] >= 15, result.stdout[-3000:]
    assert_reliability_harnesses_ran(answers, result.stdout + result.stderr)
    assert_quiet(result.stdout + result.stderr)

    fixtures = sorted(path.name for path in (project / "events").glob("*.json"))
    assert fixtures, "every use case ships fixtures"
    invoke = run(["npm", "run", "--silent", "invoke", "--", *(f"events/{fixture}" for fixture in fixtures)], project)
    for fixture in fixtures:
        assert f"── events/{fixture}" in invoke.stdout
    thrown = set(re.findall(r"── events/(\S+)\nthrew ", invoke.stdout))
    assert thrown <= THROWS_ON_PURPOSE, f"unexpected throws: {thrown - THROWS_ON_PURPOSE}"
    if answers.get("language") == "typescript":
        assert "> tsc --noEmit" in result.stdout, "npm test type-checks first"
        assert_the_bundle_loads_alone(project)


def assert_the_bundle_loads_alone(project: Path) -> None:
    """`npm run build` (the esbuild options SAM uses) gives a handler.mjs that loads with no
    node_modules beside it, as in the Lambda zip (the runtime has @aws-sdk/*)."""
    run(["npm", "run", "build"], project)
    alone = project.parent / f"{project.name}-bundle"
    alone.mkdir()
    (alone / "handler.mjs").write_bytes((project / "dist" / "handler.mjs").read_bytes())
    loaded = run(["node", "--input-type=module", "-e", "const { handler } = await import('./handler.mjs'); console.log(typeof handler);"], alone)
    assert loaded.stdout.strip() == "function"


def assert_reliability_harnesses_ran(answers: dict[str, Any], output: str) -> None:
    """10 000 fuzzed events per target, the log canaries, and the 100-deliveries burst."""
    reports = assert_fuzzed(output)
    assert {report["target"] for report in reports} == combination_of(answers).variant.fuzz_targets
    assert "writes no secret or personal data" in output
    assert re.search(r"^ok \d+ - .*\b100 (identical requests|copies|containers)\b", output, re.MULTILINE), "the 100-request burst ran"


def statements(template: dict) -> list[dict]:
    policies = template["Resources"]["Function"]["Properties"].get("Policies", [])
    return [statement for policy in policies for statement in policy["Statement"]]


def assert_least_privilege_wiring(name: str, answers: dict[str, Any], project: Path) -> None:
    """What each event source must have in template.yaml, beyond a clean cfn-lint."""
    template = cfn_template(project)
    resources = template["Resources"]
    function = resources["Function"]["Properties"]
    for statement in statements(template):
        resources_granted = statement["Resource"] if isinstance(statement["Resource"], list) else [statement["Resource"]]
        assert "*" not in resources_granted, f"{name}: {statement}"
    granted = {json.dumps(statement["Action"]): statement["Resource"] for statement in statements(template)}
    source = answers["event_source"]
    if source == "function_url":
        # Only IAM is enforced by the URL itself; keys and signatures are checked in the handler.
        expected = "AWS_IAM" if answers["use_case"] == "json_api" and answers.get("auth", "iam") == "iam" else "NONE"
        assert function["FunctionUrlConfig"]["AuthType"] == expected
        assert "HttpApi" not in resources
        if answers.get("auth") == "none":
            assert function["Tags"]["public-until"] == answers["public_until"]
    if answers.get("auth") == "api_key":
        assert granted['"secretsmanager:GetSecretValue"'] == {"!Ref": "ApiKeysSecret"}
    if answers["use_case"] == "webhook":
        assert granted['"secretsmanager:GetSecretValue"'] == {"!Ref": "WebhookSecret"}
        assert function["Environment"]["Variables"]["WEBHOOK_SECRET_ID"] == {"!Ref": "WebhookSecret"}
    if source == "s3":
        assert granted['"s3:GetObject"']["!Sub"].endswith("-${Stage}-${AWS::AccountId}/incoming/*")
        assert granted['"sqs:SendMessage"'] == {"!GetAtt": "JobsQueue.Arn"}
        assert resources["JobsQueue"]["Properties"]["RedrivePolicy"]["maxReceiveCount"] == 5
        assert function["Events"]["FileCreated"]["Type"] == "S3"
    if source == "sqs":
        assert resources["QueueEventSourceMapping"]["Properties"]["FunctionResponseTypes"] == ["ReportBatchItemFailures"]
        assert resources["Queue"]["Properties"]["RedrivePolicy"]["maxReceiveCount"] == 5
        assert resources["Queue"]["Properties"]["VisibilityTimeout"] >= 6 * function["Timeout"]
    if source == "eventbridge":
        target = resources["EventRule"]["Properties"]["Targets"][0]
        assert target["RetryPolicy"]["MaximumRetryAttempts"] > 0 and "DeadLetterConfig" in target
    if source in {"s3", "eventbridge"}:
        assert function["EventInvokeConfig"]["DestinationConfig"]["OnFailure"]["Type"] == "SQS"
    if source in {"s3", "sqs", "eventbridge"}:
        assert "DeadLetterQueueAlarm" in resources


def assert_fixtures_hold_no_secret(project: Path) -> None:
    """Webhook fixtures say how they are signed, never with what; the fake local secrets are assembled at run time."""
    for path in [*(project / "events").glob("*.json"), *(project / "scripts").glob("*.mjs")]:
        assert not re.search(r"whsec_[A-Za-z0-9+/=]{16,}", path.read_text()), path


def test_api_key_auth_keeps_keys_in_a_secret_the_function_alone_may_read(render_project: Any) -> None:
    project = render_project(auth="api_key")
    raw = (project / "template.yaml").read_text()
    assert "ApiKeysSecret:\n    Type: AWS::SecretsManager::Secret" in raw
    assert "Action: secretsmanager:GetSecretValue\n              Resource: !Ref ApiKeysSecret" in raw
    assert "API_KEYS_SECRET_ID: !Ref ApiKeysSecret" in raw
    assert "DefaultAuthorizer" not in raw, "the key is checked in the handler, not by an API Gateway authorizer"
    assert "local-test-key" in (project / "events" / "post-order.json").read_text()

