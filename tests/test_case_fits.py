"""A repo speaks of its own case: names, descriptions and examples fit the use case.

Every allowed combination of both platforms is rendered (files only, no npm), in
parallel across the pytest workers. The defaults are rendered as `copier copy
--defaults` gives them, so the name and description are the catalogue's.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from hooks import variants
from tests.support.matrix import matrix
from tests.support.render import TEMPLATE_ROOT, render, rendered_files
from tests.support.wording import orders_wording

COMBINATIONS = {name: answers for platform in variants.PLATFORMS for name, answers in matrix(platform).items()}
ELSEWHERE = {name: answers for name, answers in COMBINATIONS.items() if answers.get("use_case", "json_api") != "json_api"}


@pytest.mark.parametrize("answers", ELSEWHERE.values(), ids=ELSEWHERE.keys())
def test_no_repo_but_the_json_api_speaks_of_orders(answers: dict[str, Any], tmp_path: Path) -> None:
    project = render(tmp_path / "project", **answers)
    found = orders_wording(project)
    assert not found, f"{len(found)} line(s) speak of the JSON API's orders:\n" + "\n".join(found[:15])
    name, description = variants.project_texts(answers["use_case"], variants.combination_of(answers).event_source, answers.get("signature_scheme", ""))
    assert f"# {name}" in (project / "AGENTS.md").read_text()
    assert description in (project / "README.md").read_text()


def test_the_orders_check_finds_the_json_apis_own_wording(tmp_path: Path) -> None:
    """The check can fail: the JSON API's repo is full of orders."""
    found = orders_wording(render(tmp_path / "project"))
    assert any(line.startswith("src/orders.mjs:") for line in found)
    assert any(line.startswith("AGENTS.md:1: # Orders API") for line in found)


@pytest.mark.parametrize(
    ("case", "name", "description"),
    [
        (("webhook", "fetch", "stripe"), "Stripe Webhook Receiver", "Verifies signed Stripe deliveries and handles each event exactly once."),
        (("webhook", "http_api", "standard_webhooks"), "Webhook Receiver", "Verifies signed deliveries and handles each event exactly once."),
        (("queue_consumer", "sqs", ""), "Queue Consumer", "Handles each message of the SQS queue exactly once, with retries and a DLQ."),
        (("queue_consumer", "eventbridge", ""), "Event Consumer", "Handles each EventBridge event exactly once, with retries and a DLQ."),
        (("file_import", "fetch", ""), "CSV Upload", "Accepts CSV uploads over HTTP and stores each one in R2 exactly once."),
        (("json_api", "function_url", ""), "Orders API", "Accepts orders over HTTP and hands them on exactly once."),
    ],
)
def test_the_default_name_and_description_fit_the_case(case: tuple[str, str, str], name: str, description: str) -> None:
    assert variants.project_texts(*case) == (name, description)


def test_every_case_has_a_name_and_description_of_its_own() -> None:
    for combination in variants.combinations():
        name, description = variants.project_texts(combination.use_case, combination.event_source, combination.signature_scheme)
        if combination.use_case != "json_api":
            assert "order" not in (name + description).lower(), combination.id
        assert len(name) <= 50 and len(description) <= 200 and "{" not in name + description, combination.id


# ------------------------------------------------- one possible answer, not asked --
def test_a_question_with_one_possible_answer_is_recorded_with_it(tmp_path: Path) -> None:
    """Copier records no answer for a question it skips; the answers file adds these."""
    project = render(tmp_path / "workers-webhook", platform="workers", use_case="webhook")
    recorded = yaml.safe_load((project / ".copier-answers.yml").read_text())
    assert (recorded["event_source"], recorded["auth"]) == ("fetch", "hmac")
    assert recorded["idempotency_store"] == "durable_object"
    lambda_project = render(tmp_path / "lambda-sqs", use_case="queue_consumer")
    recorded = yaml.safe_load((lambda_project / ".copier-answers.yml").read_text())
    assert (recorded["event_source"], recorded["idempotency_store"]) == ("sqs", "dynamodb")
    assert "auth" not in recorded, "auth does not apply to a queue consumer at all"


def test_the_deploy_check_reads_the_recorded_event_source(tmp_path: Path) -> None:
    """scripts/check.mjs decides 'public endpoint' from the answers file: a public Workers API
    (its event source fetch is not asked) must still be seen as one."""
    from tests.support.node import run

    project = render(tmp_path / "public", platform="workers", auth="none", public_until="2020-01-31", owner="team@acme.test")
    # --fail-fast runs the cheap rows first and stops at this one, before anything needs npm.
    result = run(["node", "scripts/check.mjs", "--fail-fast"], project, check=False)
    assert "public_until 2020-01-31 has passed" in result.stdout, result.stdout


def test_fixed_choices_are_exactly_the_single_choice_questions() -> None:
    for combination in variants.combinations():
        fixed = variants.fixed_choices(combination.platform, combination.use_case, combination.event_source)
        for question, value in fixed.items():
            assert getattr(combination, question) == value, combination.id
            assert not variants.asked(question, combination.platform, combination.use_case)
        for question in ("event_source", "idempotency_store", "auth"):
            if getattr(combination, question) and question not in fixed:
                assert variants.asked(question, combination.platform, combination.use_case), (combination.id, question)


# --------------------------------------------------------------- update hints --
#: A `copier update` command: with options, or what a sentence tells the reader to run.
COPIER_UPDATE = re.compile(r"(?i)\b(?:run|use|with|restore it)\W{0,3}copier update\b|copier update\s+-")


def test_every_copier_update_command_says_trust(tmp_path: Path) -> None:
    """Without --trust Copier refuses this template, so a hint without it fails when followed."""
    renders = [render(tmp_path / name, **answers) for name, answers in {
        "lambda": {}, "workers-webhook": {"platform": "workers", "use_case": "webhook"},
    }.items()]
    sources = [TEMPLATE_ROOT / name for name in ("README.md", "CONTRIBUTING.md", "CHANGELOG.md", "copier.yml")]
    sources += sorted((TEMPLATE_ROOT / "hooks").rglob("*.py"))
    missing = [
        f"{path}:{number}: {line.strip()}"
        for path in [*sources, *(file for project in renders for file in rendered_files(project))]
        for number, line in enumerate(path.read_text(errors="replace").splitlines(), start=1)
        if any("--trust" not in line[match.start():match.end() + 40] for match in COPIER_UPDATE.finditer(line))
    ]
    assert not missing, "\n".join(missing)
