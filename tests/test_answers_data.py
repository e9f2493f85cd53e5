"""Answers given on the command line: `copier copy --data` and `--data-file`.

Runs the real `copier` CLI. Every impossible combination or bad value must stop the
copy with a message that names the question and says what is allowed, and must
leave nothing rendered behind.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from hooks import pins
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


REJECTED = {
    "edge_redirect on lambda": (
        {"platform": "lambda", "use_case": "edge_redirect"},
        "Invalid choice for 'use_case': use_case edge_redirect needs platform workers; "
        "on lambda choose json_api, webhook, file_import or queue_consumer",
    ),
    "iam on workers": (
        {"platform": "workers", "use_case": "json_api", "auth": "iam"},
        "Invalid choice for 'auth': auth iam needs platform lambda; on workers choose none or api_key",
    ),
    "hmac outside webhooks": (
        {"auth": "hmac"},
        "Invalid choice for 'auth': auth hmac is for use_case webhook; choose none, api_key or iam",
    ),
    "s3 for a json api": (
        {"event_source": "s3"},
        "Invalid choice for 'event_source': event_source s3 fits platform lambda with use_case file_import",
    ),
    "unknown platform": (
        {"platform": "aws"},
        "Invalid choice for 'platform': 'aws' is not in ['lambda', 'workers']",
    ),
    "auth none without public_until": (
        {"auth": "none"},
        'Question "public_until" is required',
    ),
    "auth none with a public_until that is no date": (
        {"auth": "none", "public_until": "31.01.2027"},
        "Validation error for question 'public_until': public_until is required when auth is none: "
        'give a review/deletion date written YYYY-MM-DD (got "31.01.2027")',
    ),
    "bad slug": (
        {"project_slug": "Orders_API"},
        "Validation error for question 'project_slug': project_slug must be 1-40 characters of a-z, 0-9 "
        'and single dashes, start with a letter and not end with a dash (got "Orders_API")',
    ),
    "bad compatibility_date": (
        {"platform": "workers", "use_case": "json_api", "compatibility_date": "2026-13-01"},
        "Validation error for question 'compatibility_date': compatibility_date must be a real date, "
        'YYYY-MM-DD (got "2026-13-01")',
    ),
    "compatibility_date that is no calendar day": (
        {"platform": "workers", "use_case": "json_api", "compatibility_date": "2026-02-31"},
        "Validation error for question 'compatibility_date': compatibility_date must be a real date, "
        'YYYY-MM-DD (got "2026-02-31")',
    ),
    "compatibility_date newer than the pinned workerd": (
        {"platform": "workers", "use_case": "json_api", "compatibility_date": "2030-01-01"},
        "Validation error for question 'compatibility_date': compatibility_date must be at most",
    ),
    "body limit beyond Lambda's payload": (
        {"max_body_kb": "7000"},
        "Validation error for question 'max_body_kb': max_body_kb must be between 1 and 6144 on lambda (Lambda's 6 MB limit",
    ),
    "body limit beyond Cloudflare's": (
        {"platform": "workers", "use_case": "json_api", "max_body_kb": "204800"},
        "Validation error for question 'max_body_kb': max_body_kb must be between 1 and 102400 on workers (100 MB, "
        "the request body limit of Cloudflare's Free and Pro plans",
    ),
    "bad log_retention_days": (
        {"log_retention_days": "45"},
        "Validation error for question 'log_retention_days': log_retention_days must be one of 1, 3, 5, 7, 14, 30",
    ),
    # Copier casts int answers before any validator runs, and its cast error names only
    # the value (the terminal shows "Invalid input" instead). Still rejected, nothing rendered.
    "log_retention_days that is no number": (
        {"log_retention_days": "month"},
        "invalid literal for int() with base 10: 'month'",
    ),
    "cors wildcard": (
        {"cors_origins": "*"},
        "Validation error for question 'cors_origins': cors_origins must list exact origins",
    ),
    "timeout beyond the HTTP API limit": (
        {"timeout_s": "60"},
        "Validation error for question 'timeout_s': timeout_s must be at most 30 behind an HTTP API",
    ),
    # Free text is one line: a newline in owner used to end a YAML comment in template.yaml
    # and start a key of its own (an injected Role passed cfn-lint).
    "newline in owner": (
        {"owner": "ops@acme.test\n      Role: arn:aws:iam::123456789012:role/admin\n      #"},
        "Validation error for question 'owner': owner must be one line of text without control characters "
        "(found a newline at character 14)",
    ),
    "tab in description": (
        {"description": "Takes\torders"},
        "Validation error for question 'description': description must be one line of text without control "
        "characters (found a tab at character 6)",
    ),
    "bidirectional override in project_name": (
        {"project_name": "Orders \u202eIPA"},
        "Validation error for question 'project_name': project_name must be one line of text without control "
        "characters (found U+202E RIGHT-TO-LEFT OVERRIDE at character 8)",
    ),
    "line separator in cors_origins": (
        {"cors_origins": "https://app.example.com\u2028https://evil.example"},
        "Validation error for question 'cors_origins': cors_origins must be one line of text without control "
        "characters (found U+2028 LINE SEPARATOR at character 24)",
    ),
    "project_name too long": (
        {"project_name": "N" * 51},
        "Validation error for question 'project_name': project_name must be at most 50 characters (got 51)",
    ),
    "description too long": (
        {"description": "d" * 201},
        "Validation error for question 'description': description must be at most 200 characters (got 201)",
    ),
    # On Lambda the owner is an AWS tag value (and a SAM CLI tag string in samconfig.toml).
    "quotes in a Lambda owner": (
        {"owner": 'Jane "JJ" Doe'},
        "Validation error for question 'owner': owner becomes an AWS tag value, so it may hold only letters, "
        "digits, spaces and _ . : / = + - @ (found '\"')",
    ),
    "backslash in a Lambda owner": (
        {"owner": "CORP\\payments"},
        "Validation error for question 'owner': owner becomes an AWS tag value, so it may hold only letters, "
        "digits, spaces and _ . : / = + - @ (found '\\')",
    ),
    "owner longer than a tag value": (
        {"owner": "o" * 257},
        "Validation error for question 'owner': owner must be at most 256 characters (got 257)",
    ),
    # `$` in a regex also matches before a trailing newline; the validators match the whole answer.
    "slug with a trailing newline": (
        {"project_slug": "orders-api\n"},
        "Validation error for question 'project_slug': project_slug must be 1-40 characters of a-z, 0-9 "
        'and single dashes, start with a letter and not end with a dash (got "orders-api\\n")',
    ),
    "public_until with a trailing newline": (
        {"auth": "none", "public_until": "2027-03-31\n"},
        "Validation error for question 'public_until': public_until is required when auth is none: "
        'give a review/deletion date written YYYY-MM-DD (got "2027-03-31\\n")',
    ),
    "aws_region with a trailing newline": (
        {"aws_region": "eu-west-1\n"},
        "Validation error for question 'aws_region': aws_region must look like eu-west-1 (got \"eu-west-1\\n\")",
    ),
    "negative reserved_concurrency": (
        {"reserved_concurrency": "-1"},
        "Validation error for question 'reserved_concurrency': reserved_concurrency must be between 0 (none reserved) and 10000",
    ),
    "reserved_concurrency beyond any account": (
        {"reserved_concurrency": "10001"},
        "Validation error for question 'reserved_concurrency': reserved_concurrency must be between 0 (none reserved) and 10000",
    ),
    "reserved_concurrency 1 behind an SQS queue": (
        {"use_case": "queue_consumer", "reserved_concurrency": "1"},
        "Validation error for question 'reserved_concurrency': reserved_concurrency must be 0 or at least 2 "
        "with an SQS queue: its event source's MaximumConcurrency cannot be below 2",
    ),
    "reserved_concurrency that is no number": (
        {"reserved_concurrency": "lots"},
        "invalid literal for int() with base 10: 'lots'",
    ),
}


@pytest.mark.parametrize("answers, message", REJECTED.values(), ids=REJECTED.keys())
def test_data_rejects_impossible_answers_with_a_message(
    template_repo: Path, tmp_path: Path, answers: dict[str, str], message: str
) -> None:
    destination = tmp_path / "project"
    result = copier_copy(template_repo, destination, *data_options(answers))
    assert result.returncode != 0
    last_line = result.stderr.strip().splitlines()[-1]
    assert message in last_line, result.stderr[-2000:]
    assert not any(destination.rglob("*.mjs")), "a rejected answer renders nothing"


def test_data_file_with_a_newline_in_owner_is_refused_before_anything_renders(template_repo: Path, tmp_path: Path) -> None:
    """The injection as a --data-file would carry it: a YAML string with an escaped newline."""
    answers_file = tmp_path / "answers.yml"
    answers_file.write_text(
        'owner: "ops@acme.test\\n      Role: arn:aws:iam::123456789012:role/admin\\n      #"\n'
        "auth: none\nevent_source: function_url\npublic_until: '2027-03-31'\n"
    )
    destination = tmp_path / "project"
    result = copier_copy(template_repo, destination, "--data-file", str(answers_file))
    assert result.returncode != 0
    assert "Validation error for question 'owner': owner must be one line of text" in result.stderr.strip().splitlines()[-1]
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
    answers_file.write_text("aws_region: Europe\n")
    result = copier_copy(template_repo, tmp_path / "project", "--data-file", str(answers_file))
    assert result.returncode != 0
    assert "Validation error for question 'aws_region': aws_region must look like eu-west-1 (got \"Europe\")" in result.stderr


def test_copy_prints_next_steps(template_repo: Path, tmp_path: Path) -> None:
    destination = tmp_path / "project"
    result = copier_copy(template_repo, destination)
    assert result.returncode == 0, result.stderr[-3000:]
    for step in (f"cd {destination}", "git init", "core.hooksPath .githooks", "npm install", "npm test",
                 "npm run invoke -- events/post-order.json", "/requirements"):
        assert step in result.stderr


def test_workers_copy_says_when_compatibility_date_is_not_today(template_repo: Path, tmp_path: Path) -> None:
    result = copier_copy(template_repo, tmp_path / "project", "--data", "platform=workers")
    assert result.returncode == 0, result.stderr[-3000:]
    written = re.search(r'"compatibility_date": "([\d-]+)"', (tmp_path / "project" / "wrangler.jsonc").read_text()).group(1)
    newest, today = pins.load().max_compatibility_date, pins.today()
    said = f"compatibility_date is {newest.isoformat()}, not today ({today.isoformat()}): it is the newest date the pinned workerd"
    if today > newest:
        assert written == newest.isoformat() and said in result.stderr
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
