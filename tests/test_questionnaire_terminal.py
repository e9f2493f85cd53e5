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

pytestmark = pytest.mark.skipif(not environment_has_pty(), reason="needs a pseudo-terminal")


@pytest.fixture(scope="module")
def template_repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    repo = init_template_repo(tmp_path_factory.mktemp("terminal") / "template-repo")
    commit_and_tag(repo, "v1.0.0")
    return repo


def start(template_repo: Path, destination: Path) -> Questionnaire:
    return Questionnaire(["copy", "--trust", str(template_repo), str(destination)])


def recorded(project: Path) -> dict[str, object]:
    return yaml.safe_load((project / ".copier-answers.yml").read_text())


def test_every_question_has_a_prompt_the_driver_can_tell_apart() -> None:
    prompts = question_prompts()
    for name, text in prompts.items():
        others = [other for other, other_text in prompts.items() if other != name and text in other_text]
        assert not others, f"the prompt of {name} is part of the prompt of {others}"


def test_person_types_answers_fixes_mistakes_and_gets_a_project(template_repo: Path, tmp_path: Path) -> None:
    project = tmp_path / "billing-api"
    session = start(template_repo, project)
    errors: dict[str, str] = {}

    while (name := session.next_question()) is not None:
        if name == "project_name":
            session.type("Billing API")
        elif name == "project_slug":
            session.type("Billing_API")
            errors[name] = session.expect_error()
            assert session.prompts["description"] not in session.text(), "asked again, not moved on"
            session.type("billing-api")
        elif name == "owner":
            session.type("payments-team@example.com")
        elif name == "runtime":
            session.choose("nodejs24.x")
        elif name == "auth":
            session.choose("none")
        elif name == "public_until":
            session.type("next friday")
            errors[name] = session.expect_error()
            session.type("2027-01-31")
        elif name == "memory_mb":
            session.type("lots")
            errors[name] = session.expect_error()
            session.type("512")
        elif name == "log_retention_days":
            session.type("45")
            errors[name] = session.expect_error()
            session.type("90")
        elif name == "with_mcp":
            session.child.send("y")  # a yes/no question takes the key alone
        else:
            session.accept_default()
    assert session.wait_for_exit() == 0, session.text()[-3000:]

    assert errors["project_slug"].startswith("project_slug: project_slug must be 1-40 characters")
    assert '(got "Billing_API")' in errors["project_slug"]
    assert errors["public_until"].startswith("public_until: public_until is required when auth is none")
    assert errors["memory_mb"] == "Invalid input", "a non-number for an int question is refused"
    assert errors["log_retention_days"].startswith("log_retention_days: log_retention_days must be one of 1, 3, 5")

    answers = recorded(project)
    assert answers["project_name"] == "Billing API"
    assert answers["project_slug"] == "billing-api"
    assert answers["owner"] == "payments-team@example.com"
    assert answers["runtime"] == "nodejs24.x"
    assert answers["auth"] == "none"
    assert str(answers["public_until"]) == "2027-01-31"
    assert answers["memory_mb"] == 512
    assert answers["log_retention_days"] == 90
    assert answers["with_mcp"] is True
    assert answers["_commit"] == "v1.0.0"

    package = (project / "package.json").read_text()
    assert '"name": "billing-api"' in package
    stack = project / "template.yaml"
    if stack.exists():
        text = stack.read_text()
        assert "nodejs24.x" in text and re.search(r"RetentionInDays:\s*90", text)

    shown = session.text()
    assert f"cd {project}" in shown and "npm test" in shown and "/requirements" in shown


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
            assert "compatibility_date must be a real date, YYYY-MM-DD" in session.expect_error()
            # The whole prompt has been drawn by now. Its help says which date the default
            # is, and why when it is not today.
            help_text = " ".join(session.text().split())
            newest = pins.load().max_compatibility_date
            assert f"The default is today ({pins.today().isoformat()}, UTC)" in help_text
            assert (f"the newest date the pinned workerd {pins.load().wrangler['workerd']}" in help_text) == (pins.today() > newest)
            session.type("2026-03-02")
        else:
            session.accept_default()
    assert session.wait_for_exit() == 0, session.text()[-3000:]

    assert chosen == {"platform": "Cloudflare Workers (Wrangler)", "idempotency_store": "D1 table with a unique key (Workers)"}
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
    assert session.asked[:4] == ["project_name", "project_slug", "description", "owner"]


def test_disabled_choices_are_shown_with_the_reason_and_skipped_by_the_cursor(template_repo: Path, tmp_path: Path) -> None:
    session = start(template_repo, tmp_path / "p")
    while (name := session.next_question()) != "use_case":
        assert name is not None
        session.accept_default()
    listed = session.choices()
    edge = [choice for choice in listed if choice.title.startswith("Edge redirects")]
    assert edge and edge[0].disabled, listed
    assert "(use_case edge_redirect needs platform workers" in edge[0].title
    session.child.sendcontrol("c")
    session.wait_for_exit()
    assert not (tmp_path / "p" / "package.json").exists(), "an aborted questionnaire renders nothing"
