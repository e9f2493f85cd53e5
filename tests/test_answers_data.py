"""Answers given on the command line: `copier copy --data` and `--data-file`.

Runs the real `copier` CLI. Every impossible combination or bad value must stop the
copy with one line per problem that names the question and the value and says what
is allowed, print no traceback, and leave nothing rendered behind.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from hooks import answer_rules, pins
from tests.support.git_history import GIT_ENV, commit_and_tag, init_template_repo

COPIER = str(Path(sys.executable).with_name("copier"))


@pytest.fixture(scope="module")
def template_repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    repo = init_template_repo(tmp_path_factory.mktemp("data") / "template-repo")
    commit_and_tag(repo, "v1.0.0")
    return repo


def copier_copy(template: Path, destination: Path, *options: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [COPIER, "copy", "--trust", "--defaults", *options, str(template), str(destination)],
        env=GIT_ENV, capture_output=True, text=True, timeout=300,
    )


def data_options(answers: dict[str, str]) -> list[str]:
    return [option for name, value in answers.items() for option in ("--data", f"{name}={value}")]


HEADER = "copier-serverless cannot use these answers (--data, --data-file); nothing was written:"

#: (answers, the line that refuses them): one line per problem, naming the question, the
#: value and what is allowed; the only other line is the header.
REJECTED = {
    "edge_redirect on lambda": (
        {"platform": "lambda", "use_case": "edge_redirect"},
        'use_case="edge_redirect": needs platform workers; on lambda choose json_api, webhook, file_import or queue_consumer',
    ),
    "iam on workers": (
        {"platform": "workers", "use_case": "json_api", "auth": "iam"},
        'auth="iam": needs platform lambda; on workers choose none or api_key',
    ),
    "hmac outside webhooks": (
        {"auth": "hmac"},
        'auth="hmac": is for use_case webhook; choose none, api_key or iam',
    ),
    "s3 for a json api": (
        {"event_source": "s3"},
        'event_source="s3": fits platform lambda with use_case file_import; on lambda with use_case json_api choose http_api or function_url',
    ),
    "a second event source for the Workers webhook, which has one": (
        {"platform": "workers", "use_case": "webhook", "event_source": "queue"},
        'event_source="queue": fits platform workers with use_case queue_consumer; on workers with use_case webhook choose fetch',
    ),
    "unknown platform": (
        {"platform": "aws"},
        'platform="aws": choose lambda or workers',
    ),
    "auth none without public_until": (
        {"auth": "none"},
        "public_until: required here, and it has no default",
    ),
    "auth none with a public_until that is no date": (
        {"auth": "none", "public_until": "31.01.2027"},
        'public_until="31.01.2027": a date YYYY-MM-DD is required (auth none makes the endpoint public;',
    ),
    "bad slug": (
        {"project_slug": "Orders_API"},
        'project_slug="Orders_API": a-z, 0-9 and single dashes only (got "Orders_API"; 1-40 characters, a letter first, no dash at the end)',
    ),
    "bad compatibility_date": (
        {"platform": "workers", "use_case": "json_api", "compatibility_date": "2026-13-01"},
        'compatibility_date="2026-13-01": a real date, YYYY-MM-DD (got "2026-13-01")',
    ),
    "compatibility_date that is no calendar day": (
        {"platform": "workers", "use_case": "json_api", "compatibility_date": "2026-02-31"},
        'compatibility_date="2026-02-31": a real date, YYYY-MM-DD (got "2026-02-31")',
    ),
    "compatibility_date newer than the pinned workerd": (
        {"platform": "workers", "use_case": "json_api", "compatibility_date": "2030-01-01"},
        f'compatibility_date="2030-01-01": at most {pins.load().max_compatibility_date.isoformat()} (the newest date the pinned workerd',
    ),
    "body limit beyond Lambda's payload": (
        {"max_body_kb": "7000"},
        "max_body_kb=7000: 1 to 6144 KiB on lambda (Lambda's 6 MB limit",
    ),
    "body limit beyond Cloudflare's": (
        {"platform": "workers", "use_case": "json_api", "max_body_kb": "204800"},
        "max_body_kb=204800: 1 to 102400 KiB on workers (100 MB, the request body limit of Cloudflare's Free and Pro plans",
    ),
    "bad log_retention_days": (
        {"log_retention_days": "45"},
        "log_retention_days=45: one of 1, 3, 5, 7, 14, 30, … (the values CloudWatch Logs accepts: 1, 3, 5, 7, 14, 30, 60,",
    ),
    # Copier would cast before any validator and stop with a traceback naming only the value.
    "log_retention_days that is no number": (
        {"log_retention_days": "month"},
        'log_retention_days="month": not a whole number; allowed: one of 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400,',
    ),
    "memory_mb that is no number": (
        {"memory_mb": "lots"},
        'memory_mb="lots": not a whole number; allowed: 128 to 10240 MB',
    ),
    "with_ci that is neither yes nor no": (
        {"with_ci": "perhaps"},
        'with_ci="perhaps": not yes or no',
    ),
    "cors wildcard": (
        {"cors_origins": "*"},
        'cors_origins="*": "*" is refused; list exact origins (any site could call this API)',
    ),
    "timeout beyond the HTTP API limit": (
        {"timeout_s": "60"},
        "timeout_s=60: 1 to 30 seconds behind an HTTP API (API Gateway's HTTP API integration timeout is 30 seconds)",
    ),
    # Free text is one line: a newline in owner used to end a YAML comment in template.yaml
    # and start a key of its own (an injected Role passed cfn-lint).
    "newline in owner": (
        {"owner": "ops@acme.test\n      Role: arn:aws:iam::123456789012:role/admin\n      #"},
        'owner="ops@acme.test\\n      Role: arn:aws:iam::123456789012:rol…: one line, no control characters (found a newline at character 14)',
    ),
    "tab in description": (
        {"description": "Takes\torders"},
        'description="Takes\\torders": one line, no control characters (found a tab at character 6)',
    ),
    "bidirectional override in project_name": (
        {"project_name": "Orders \u202eIPA"},
        'project_name="Orders \\u202eIPA": one line, no control characters (found U+202E RIGHT-TO-LEFT OVERRIDE at character 8)',
    ),
    "line separator in cors_origins": (
        {"cors_origins": "https://app.example.com\u2028https://evil.example"},
        'cors_origins="https://app.example.com\\u2028https://evil.example": one line, no control characters '
        "(found U+2028 LINE SEPARATOR at character 24)",
    ),
    "project_name too long": (
        {"project_name": "N" * 51},
        "at most 50 characters (got 51)",
    ),
    "description too long": (
        {"description": "d" * 201},
        "at most 200 characters (got 201)",
    ),
    # On Lambda the owner is an AWS tag value (and a SAM CLI tag string in samconfig.toml).
    "quotes in a Lambda owner": (
        {"owner": 'Jane "JJ" Doe'},
        'owner="Jane \\"JJ\\" Doe": letters, digits, spaces and _.:/=+-@ only (it tags every AWS resource; found \'"\')',
    ),
    "backslash in a Lambda owner": (
        {"owner": "CORP\\payments"},
        "letters, digits, spaces and _.:/=+-@ only (it tags every AWS resource; found '\\')",
    ),
    "owner longer than a tag value": (
        {"owner": "o" * 257},
        "at most 256 characters (got 257)",
    ),
    # `$` in a regex also matches before a trailing newline; the rules match the whole answer.
    "slug with a trailing newline": (
        {"project_slug": "orders-api\n"},
        'project_slug="orders-api\\n": a-z, 0-9 and single dashes only',
    ),
    "public_until with a trailing newline": (
        {"auth": "none", "public_until": "2027-03-31\n"},
        'public_until="2027-03-31\\n": a date YYYY-MM-DD is required',
    ),
    "aws_region with a trailing newline": (
        {"aws_region": "eu-west-1\n"},
        'aws_region="eu-west-1\\n": a region such as eu-west-1 (got "eu-west-1\\n")',
    ),
    "negative reserved_concurrency": (
        {"reserved_concurrency": "-1"},
        "reserved_concurrency=-1: 0 to 10000 (0 reserves none;",
    ),
    "reserved_concurrency beyond any account": (
        {"reserved_concurrency": "10001"},
        "reserved_concurrency=10001: 0 to 10000",
    ),
    "reserved_concurrency 1 behind an SQS queue": (
        {"use_case": "queue_consumer", "reserved_concurrency": "1"},
        "reserved_concurrency=1: 0, or 2 or more, with SQS (an SQS event source's MaximumConcurrency cannot be below 2)",
    ),
    "reserved_concurrency that is no number": (
        {"reserved_concurrency": "lots"},
        'reserved_concurrency="lots": not a whole number; allowed: 0 to 10000',
    ),
}


def refusal_lines(result: subprocess.CompletedProcess[str]) -> list[str]:
    """The lines after the header: one per problem. Nothing else may be printed after it."""
    lines = result.stderr.splitlines()
    assert HEADER in lines, result.stderr[-3000:]
    return [line.strip() for line in lines[lines.index(HEADER) + 1:]]


@pytest.mark.parametrize("answers, message", REJECTED.values(), ids=REJECTED.keys())
def test_data_rejects_impossible_answers_with_one_line_each(
    template_repo: Path, tmp_path: Path, answers: dict[str, str], message: str
) -> None:
    destination = tmp_path / "project"
    result = copier_copy(template_repo, destination, *data_options(answers))
    assert result.returncode == 1
    assert "Traceback" not in result.stderr, result.stderr[-3000:]
    (line,) = refusal_lines(result)
    assert message in line, line
    assert not any(destination.rglob("*.mjs")), "a rejected answer renders nothing"


def test_every_problem_gets_its_line_in_the_order_of_the_questions(template_repo: Path, tmp_path: Path) -> None:
    answers = {"memory_mb": "9", "log_retention_days": "month", "platform": "aws", "project_slug": "No"}
    result = copier_copy(template_repo, tmp_path / "project", *data_options(answers))
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert [line.split("=")[0] for line in refusal_lines(result)] == ["platform", "project_slug", "log_retention_days", "memory_mb"]


def test_the_only_value_of_a_question_that_is_not_asked_is_accepted(template_repo: Path, tmp_path: Path) -> None:
    destination = tmp_path / "project"
    answers = {"platform": "workers", "use_case": "webhook", "event_source": "fetch", "auth": "hmac"}
    result = copier_copy(template_repo, destination, *data_options(answers))
    assert result.returncode == 0, result.stderr[-3000:]
    recorded = yaml.safe_load((destination / ".copier-answers.yml").read_text())
    assert (recorded["event_source"], recorded["auth"]) == ("fetch", "hmac")


def test_data_file_with_a_newline_in_owner_is_refused_before_anything_renders(template_repo: Path, tmp_path: Path) -> None:
    """The injection as a --data-file would carry it: a YAML string with an escaped newline."""
    answers_file = tmp_path / "answers.yml"
    answers_file.write_text(
        'owner: "ops@acme.test\\n      Role: arn:aws:iam::123456789012:role/admin\\n      #"\n'
        "auth: none\nevent_source: function_url\npublic_until: '2027-03-31'\n"
    )
    destination = tmp_path / "project"
    result = copier_copy(template_repo, destination, "--data-file", str(answers_file))
    assert result.returncode == 1 and "Traceback" not in result.stderr
    (line,) = refusal_lines(result)
    assert line.startswith('owner="ops@acme.test\\n') and "one line, no control characters (found a newline at character 14)" in line
    assert not destination.exists() or not any(destination.iterdir())


def test_workers_owner_may_hold_what_no_aws_tag_can(template_repo: Path, tmp_path: Path) -> None:
    """Workers have no AWS tags, so only the one-line rule applies to their owner."""
    owner = "Jane \"JJ\" O'Brien \\ CORP"
    destination = tmp_path / "project"
    result = copier_copy(template_repo, destination, *data_options({"platform": "workers", "owner": owner}))
    assert result.returncode == 0, result.stderr[-3000:]
    assert yaml.safe_load((destination / ".copier-answers.yml").read_text())["owner"] == owner


def test_reserved_concurrency_is_recorded_for_lambda_only(template_repo: Path, tmp_path: Path) -> None:
    lambda_project, workers_project = tmp_path / "lambda", tmp_path / "workers"
    assert copier_copy(template_repo, lambda_project, "--data", "reserved_concurrency=5").returncode == 0
    assert yaml.safe_load((lambda_project / ".copier-answers.yml").read_text())["reserved_concurrency"] == 5
    assert copier_copy(template_repo, workers_project, "--data", "platform=workers").returncode == 0
    assert "reserved_concurrency" not in yaml.safe_load((workers_project / ".copier-answers.yml").read_text())


def test_data_file_answers_are_used_and_data_overrides_them(template_repo: Path, tmp_path: Path) -> None:
    answers_file = tmp_path / "answers.yml"
    answers_file.write_text(yaml.safe_dump({
        "project_name": "Invoice Webhook Relay",
        "owner": "billing@example.com",
        "runtime": "nodejs24.x",
        "log_retention_days": 14,
        "memory_mb": 1024,
    }))
    destination = tmp_path / "project"
    result = copier_copy(template_repo, destination, "--data-file", str(answers_file), "--data", "memory_mb=512")
    assert result.returncode == 0, result.stderr[-3000:]

    recorded = yaml.safe_load((destination / ".copier-answers.yml").read_text())
    assert recorded["project_slug"] == "invoice-webhook-relay", "the slug is derived from the name"
    assert recorded["owner"] == "billing@example.com"
    assert recorded["runtime"] == "nodejs24.x"
    assert recorded["log_retention_days"] == 14
    assert recorded["memory_mb"] == 512, "--data wins over --data-file"


def test_data_file_with_a_bad_value_is_rejected(template_repo: Path, tmp_path: Path) -> None:
    answers_file = tmp_path / "answers.yml"
    answers_file.write_text("aws_region: Europe\nlog_retention_days: a month\nwith_mcp: true\nmemory_mb: 512\n")
    result = copier_copy(template_repo, tmp_path / "project", "--data-file", str(answers_file))
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert refusal_lines(result) == [
        'log_retention_days="a month": not a whole number; allowed: one of ' + ", ".join(map(str, answer_rules.CLOUDWATCH_RETENTION_DAYS)),
        'aws_region="Europe": a region such as eu-west-1 (got "Europe")',
    ]


def test_copy_prints_next_steps(template_repo: Path, tmp_path: Path) -> None:
    destination = tmp_path / "project"
    result = copier_copy(template_repo, destination)
    assert result.returncode == 0, result.stderr[-3000:]
    for step in (f"cd {destination}", "git init", "core.hooksPath .githooks", "npm install", "npm test",
                 "npm run invoke -- events/post-order.json", "/requirements"):
        assert step in result.stderr
    summary = [line.strip() for line in result.stderr.splitlines()]
    assert f'Your Lambda JSON API "Orders API" is ready in {destination}.' in summary
    assert "idempotency_store  dynamodb   (the only choice here, so not asked)" in summary
    assert "event_source       http_api" in summary and "auth               iam" in summary
    assert "is not a release" not in result.stderr, "v1.0.0 is a release tag"
    # The folder is the user's; every other part of a line fits 80 columns.
    message = result.stderr[result.stderr.index("Your Lambda"):].replace(str(destination), "my-fn")
    assert max(map(len, message.splitlines())) <= 80, message


def test_workers_copy_says_when_compatibility_date_is_not_today(template_repo: Path, tmp_path: Path) -> None:
    result = copier_copy(template_repo, tmp_path / "project", "--data", "platform=workers")
    assert result.returncode == 0, result.stderr[-3000:]
    written = re.search(r'"compatibility_date": "([\d-]+)"', (tmp_path / "project" / "wrangler.jsonc").read_text()).group(1)
    newest, today = pins.load().max_compatibility_date, pins.today()
    said = f"compatibility_date is {newest.isoformat()}, not today ({today.isoformat()}): it is\nthe newest date the pinned workerd"
    if today > newest:
        assert written == newest.isoformat() and said in result.stderr, result.stderr[-2000:]
    else:
        assert written == today.isoformat() and "not today" not in result.stderr


def test_copy_without_trust_is_refused_and_says_why(template_repo: Path, tmp_path: Path) -> None:
    destination = tmp_path / "project"
    result = subprocess.run(
        [COPIER, "copy", "--defaults", str(template_repo), str(destination)],
        env=GIT_ENV, capture_output=True, text=True, timeout=300,
    )
    assert result.returncode != 0
    assert "Template uses potentially unsafe feature: jinja_extensions." in result.stderr
    assert "--trust" in result.stderr
    assert not destination.exists()
