"""The questionnaire as a person uses it: `copier copy` in a pseudo-terminal.

Typed answers, lists chosen with the arrow keys, wrong answers that show the
validator's message and ask again, then the rendered project is checked.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from hooks import pins
from tests.support.git_history import commit_and_tag, init_template_repo
from tests.support.terminal import Questionnaire, environment_has_pty, question_prompts
from tests.support.wording import ORDERING, ORDERS, orders_wording

pytestmark = pytest.mark.skipif(not environment_has_pty(), reason="needs a pseudo-terminal")


@pytest.fixture(scope="module")
def template_repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    repo = init_template_repo(tmp_path_factory.mktemp("terminal") / "template-repo")
    commit_and_tag(repo, "v1.0.0")
    return repo


def start(template_repo: Path, destination: Path, columns: int = 250) -> Questionnaire:
    return Questionnaire(["copy", "--trust", str(template_repo), str(destination)], columns=columns)


def recorded(project: Path) -> dict[str, object]:
    return yaml.safe_load((project / ".copier-answers.yml").read_text())


def test_every_question_has_a_prompt_the_driver_can_tell_apart() -> None:
    prompts = question_prompts()
    for name, text in prompts.items():
        others = [other for other, other_text in prompts.items() if other != name and text in other_text]
        assert not others, f"the prompt of {name} is part of the prompt of {others}"


#: The after-copy summary's note on a choice that was set, not asked.
NOT_ASKED = "(the only choice here, so not asked)"


def summary_row(question: str, value: str, fixed: bool = False) -> str:
    return f"{question:<18} {value}" + (f"   {NOT_ASKED}" if fixed else "")


def shown_lines(session: Questionnaire) -> list[str]:
    return [line.strip() for line in session.text().splitlines()]


def assert_no_orders_after(session: Questionnaire, question: str) -> None:
    """Once the case is chosen, nothing on the screen speaks of the JSON API's orders
    (the list of use cases itself names the JSON API's example)."""
    text = session.text()
    following = session.asked[session.asked.index(question) + 1]
    after = text[text.index(session.prompts[following]):]
    found = [line for line in after.splitlines() if ORDERS.search(ORDERING.sub("", line))]
    assert not found, found


def test_workers_stripe_webhook_at_80_columns(template_repo: Path, tmp_path: Path) -> None:
    """Workers + webhook + Stripe: the event source and auth have one answer and are not
    asked; defaults name Stripe; a refused answer shows its whole first line at 80 columns."""
    project = tmp_path / "stripe-hooks"
    session = start(template_repo, project, columns=80)
    bars: dict[str, str] = {}
    while (name := session.next_question()) is not None:
        if name == "platform":
            session.choose("Cloudflare Workers")
        elif name == "use_case":
            session.choose("Webhook receiver")
        elif name == "signature_scheme":
            session.choose("Stripe")
        elif name == "project_slug":
            session.type("Stripe_Hooks")
            bars[name] = session.retype_after_error("stripe-hooks")
        elif name == "owner":
            session.type("payments@acme.test")
        elif name == "max_body_kb":
            session.type("999999")
            bars[name] = session.retype_after_error("128")
        else:
            session.accept_default()
    assert session.wait_for_exit() == 0, session.text()[-3000:]

    assert bars == {
        "project_slug": "Validation error for question 'project_slug': a-z, 0-9 and single dashes only",
        "max_body_kb": "Validation error for question 'max_body_kb': 1 to 102400 KiB on workers",
    }
    assert session.asked[:3] == ["platform", "use_case", "signature_scheme"], session.asked
    for single in ("event_source", "auth"):
        assert single not in session.asked, f"{single} has one possible answer here"
    for lambdas in ("runtime", "log_retention_days", "timeout_s", "memory_mb", "aws_region"):
        assert lambdas not in session.asked, f"{lambdas} is Lambda's"
    assert_no_orders_after(session, "use_case")

    answers = recorded(project)
    assert (answers["project_name"], answers["project_slug"]) == ("Stripe Webhook Receiver", "stripe-hooks")
    assert (answers["event_source"], answers["auth"], answers["max_body_kb"]) == ("fetch", "hmac", 128)
    assert not orders_wording(project)
    lines = shown_lines(session)
    assert f'Your Workers webhook receiver "Stripe Webhook Receiver" is ready in {project}.' in lines
    assert summary_row("event_source", "fetch", fixed=True) in lines
    assert summary_row("auth", "hmac", fixed=True) in lines
    assert summary_row("signature_scheme", "stripe") in lines
    assert any(line.startswith("npm run send -- events/") for line in lines)
    message = session.text()[session.text().index("Your Workers"):].replace(str(project), "my-fn")
    assert max(len(line.rstrip()) for line in message.splitlines()) <= 80, message


def test_lambda_sqs_consumer_asks_lambdas_limits_and_refuses_what_sqs_cannot_take(template_repo: Path, tmp_path: Path) -> None:
    project = tmp_path / "queue"
    session = start(template_repo, project)
    errors: dict[str, str] = {}
    while (name := session.next_question()) is not None:
        if name == "use_case":
            session.choose("Queue consumer")
        elif name == "event_source":
            session.choose("SQS queue")
        elif name == "owner":
            session.type("jobs@acme.test")
        elif name == "timeout_s":
            session.type("1000")
            errors[name] = session.expect_error()
            session.type("120")
        elif name == "reserved_concurrency":
            session.type("1")
            errors[name] = session.expect_error()
            session.type("5")
        elif name == "log_retention_days":
            session.type("45")
            errors[name] = session.expect_error()
            session.type("14")
        elif name == "memory_mb":
            session.type("lots")
            errors[name] = session.expect_error()
            session.type("512")
        else:
            session.accept_default()
    assert session.wait_for_exit() == 0, session.text()[-3000:]

    assert errors == {
        "timeout_s": "timeout_s: 1 to 900 seconds",
        "reserved_concurrency": "reserved_concurrency: 0, or 2 or more, with SQS",
        "log_retention_days": "log_retention_days: one of 1, 3, 5, 7, 14, 30, …",
        "memory_mb": "Invalid input",  # Copier's own word for a non-number in an int question
    }
    # So the prompt line itself says what a number question takes.
    shown = session.text()
    assert "Function memory, 128 to 10240 MB (CPU grows with it)" in shown
    assert "Function timeout, 1 to 900 seconds" in shown and "Hours a completed request can be replayed (1 to 720 hours)" in shown
    assert session.asked[:3] == ["platform", "use_case", "event_source"]
    for absent in ("idempotency_store", "auth", "signature_scheme", "max_body_kb", "cors_origins", "compatibility_date"):
        assert absent not in session.asked, absent
    assert_no_orders_after(session, "use_case")

    answers = recorded(project)
    assert (answers["project_name"], answers["description"]) == (
        "Queue Consumer", "Handles each message of the SQS queue exactly once, with retries and a DLQ.")
    assert (answers["timeout_s"], answers["reserved_concurrency"], answers["log_retention_days"], answers["memory_mb"]) == (120, 5, 14, 512)
    assert answers["idempotency_store"] == "dynamodb"
    assert not orders_wording(project)
    stack = (project / "template.yaml").read_text()
    assert "AWS::SQS::Queue" in stack and re.search(r"RetentionInDays:\s*14", stack)
    lines = shown_lines(session)
    assert f'Your Lambda queue consumer "Queue Consumer" is ready in {project}.' in lines
    assert summary_row("event_source", "sqs") in lines
    assert summary_row("idempotency_store", "dynamodb", fixed=True) in lines


def test_lambda_public_json_api_needs_a_review_date(template_repo: Path, tmp_path: Path) -> None:
    project = tmp_path / "public-api"
    session = start(template_repo, project)
    errors: dict[str, str] = {}
    while (name := session.next_question()) is not None:
        if name == "event_source":
            session.choose("Lambda function URL")
        elif name == "project_name":
            session.type("Billing API")
        elif name == "owner":
            session.type("billing@acme.test")
        elif name == "auth":
            session.choose("none")
        elif name == "public_until":
            session.type("next friday")
            errors[name] = session.expect_error()
            session.type("2027-01-31")
        elif name == "cors_origins":
            session.type("*")
            errors[name] = session.expect_error()
            session.type("https://app.acme.test")
        else:
            session.accept_default()
    assert session.wait_for_exit() == 0, session.text()[-3000:]

    assert errors == {
        "public_until": "public_until: a date YYYY-MM-DD is required",
        "cors_origins": 'cors_origins: "*" is refused; list exact origins',
    }
    assert session.asked[:5] == ["platform", "use_case", "event_source", "language", "project_name"]
    assert "idempotency_store" not in session.asked, "DynamoDB is the one store on Lambda"
    answers = recorded(project)
    assert (answers["project_slug"], answers["auth"], str(answers["public_until"])) == ("billing-api", "none", "2027-01-31")
    assert answers["cors_origins"] == "https://app.acme.test"
    assert "2027-01-31" in (project / "DEPLOY_CHECKLIST.md").read_text()
    lines = shown_lines(session)
    assert f'Your Lambda JSON API "Billing API" is ready in {project}.' in lines
    assert summary_row("event_source", "function_url") in lines and summary_row("auth", "none") in lines


def test_person_picks_workers_and_a_d1_store_with_the_arrow_keys(template_repo: Path, tmp_path: Path) -> None:
    project = tmp_path / "edge-orders"
    session = start(template_repo, project)
    chosen: dict[str, str] = {}
    while (name := session.next_question()) is not None:
        if name == "platform":
            chosen[name] = session.choose("Cloudflare Workers")
        elif name == "idempotency_store":
            chosen[name] = session.choose("D1 table")
        elif name == "compatibility_date":
            session.type("2026-02-30")
            assert session.expect_error() == "compatibility_date: a real date, YYYY-MM-DD"
            # The whole prompt has been drawn by now. Its help says which date the default is.
            help_text = " ".join(session.text().split())
            today = pins.today() <= pins.load().max_compatibility_date
            assert ("(default: today, UTC)" in help_text) == today
            assert ("(default: the pinned workerd's newest)" in help_text) == (not today)
            session.type("2026-03-02")
        else:
            session.accept_default()
    assert session.wait_for_exit() == 0, session.text()[-3000:]

    assert chosen == {"platform": "Cloudflare Workers (Wrangler)", "idempotency_store": "D1 table with a unique key"}
    answers = recorded(project)
    assert (answers["platform"], answers["idempotency_store"]) == ("workers", "d1")
    assert str(answers["compatibility_date"]) == "2026-03-02"
    assert "runtime" not in answers and "aws_region" not in answers, "Lambda-only questions are not asked"
    wrangler = (project / "wrangler.jsonc").read_text()
    assert '"compatibility_date": "2026-03-02"' in wrangler and "d1_databases" in wrangler


def test_person_who_accepts_every_default_gets_the_lambda_json_api(template_repo: Path, tmp_path: Path) -> None:
    project = tmp_path / "defaults"
    session = start(template_repo, project)
    session.answer_rest_with_defaults()
    assert session.wait_for_exit() == 0, session.text()[-3000:]
    answers = recorded(project)
    assert (answers["platform"], answers["use_case"], answers["event_source"]) == ("lambda", "json_api", "http_api")
    assert (project / "src/handler.mjs").exists()
    assert session.asked[:6] == ["platform", "use_case", "event_source", "language", "project_name", "project_slug"]
    assert answers["language"] == "javascript" and not (project / "tsconfig.json").exists()


def test_disabled_choices_are_shown_with_the_reason_and_skipped_by_the_cursor(template_repo: Path, tmp_path: Path) -> None:
    session = start(template_repo, tmp_path / "p")
    while (name := session.next_question()) != "use_case":
        assert name is not None
        session.accept_default()
    listed = session.choices()
    edge = [choice for choice in listed if choice.title.startswith("Edge redirects")]
    assert edge and edge[0].disabled, listed
    assert edge[0].title == "Edge redirects and cache rules (Workers only)"
    session.child.sendcontrol("c")
    session.wait_for_exit()
    assert not (tmp_path / "p" / "package.json").exists(), "an aborted questionnaire renders nothing"
