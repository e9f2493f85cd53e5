"""The questionnaire's words fit an 80-column terminal.

Copier shows a refused answer in a one-line bar: ``Validation error for question
'<name>': `` and the validator's message, cut at the terminal's edge. So the first line
of every message (hooks/answer_rules.py ``Refusal.short``) fits 80 columns with that
prefix, and the reason follows on the next line. A disabled choice shows its few-word
reason after its title, and a question's help text starts its prompt line.
"""

from __future__ import annotations

import datetime
import re
import unicodedata
from typing import Any

import jinja2
import pytest
import yaml

from hooks import answer_rules, pins, variants
from tests.support.render import TEMPLATE_ROOT

COLUMNS = 80
COPIER_YML = yaml.safe_load((TEMPLATE_ROOT / "copier.yml").read_text())
QUESTIONS = {name: spec for name, spec in COPIER_YML.items() if not name.startswith("_")}


def columns(text: str) -> int:
    """Terminal columns of ``text``: wide characters (the 🎤 prompt mark) take two."""
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)


#: (question, a refused value, the earlier answers): at least one of every kind of refusal.
NEWEST = pins.load().max_compatibility_date
REFUSED: list[tuple[str, Any, dict[str, Any]]] = [
    ("project_name", "", {}),
    ("project_name", "a\nb", {}),
    ("project_name", "\u202e", {}),
    ("project_name", "n" * 51, {}),
    ("description", "d" * 201, {}),
    ("owner", 'Jane "JJ" Doe', {"platform": "lambda"}),
    ("owner", "o" * 257, {"platform": "workers"}),
    ("project_slug", "Orders_API_with_a_long_long_long_long_long_name", {}),
    ("compatibility_date", "2026-02-31", {}),
    ("compatibility_date", "2024-01-01", {}),
    ("compatibility_date", (NEWEST + datetime.timedelta(days=400)).isoformat(), {}),
    ("public_until", "next friday", {"auth": "none"}),
    ("cors_origins", "*", {}),
    ("cors_origins", "https://app.example.com/path/that/is/long", {}),
    ("aws_region", "Europe", {}),
    ("max_body_kb", 999999, {"platform": "lambda"}),
    ("max_body_kb", 999999, {"platform": "workers"}),
    ("idempotency_ttl_hours", 0, {}),
    ("log_retention_days", 45, {}),
    ("timeout_s", 60, {"event_source": "http_api"}),
    ("timeout_s", 901, {"event_source": "sqs"}),
    ("memory_mb", 64, {}),
    ("reserved_concurrency", -1, {}),
    ("reserved_concurrency", 1, {"event_source": "sqs"}),
    ("reserved_concurrency", 0, {"event_source": "function_url", "auth": "none"}),
    ("rate_limit_requests", 0, {"platform": "workers"}),
    ("rate_limit_namespace_id", 2**31, {"platform": "workers"}),
]


@pytest.mark.parametrize(("question", "value", "earlier"), REFUSED, ids=[f"{q}={v!r}"[:60] for q, v, _ in REFUSED])
def test_the_first_line_of_every_refusal_fits_the_error_bar(question: str, value: Any, earlier: dict[str, Any]) -> None:
    message = answer_rules.problem(question, value, {**earlier, question: value})
    assert message, f"{question}={value!r} must be refused"
    bar = f"Validation error for question '{question}': " + message.splitlines()[0]
    assert columns(bar) <= COLUMNS, f"{columns(bar)} columns: {bar}"


def test_every_rule_is_exercised_above() -> None:
    assert set(answer_rules.RULES) <= {question for question, _, _ in REFUSED}


def test_the_reason_follows_on_its_own_line() -> None:
    message = answer_rules.problem("log_retention_days", 45, {})
    short, detail = message.split("\n")
    assert short == "one of 1, 3, 5, 7, 14, 30, …"
    assert "3653" in detail, "the whole list is on the second line"


def choice_titles(question: str) -> dict[str, str]:
    return {(spec["value"] if isinstance(spec, dict) else spec): title for title, spec in QUESTIONS[question]["choices"].items()}


@pytest.mark.parametrize("question", ["use_case", "event_source", "idempotency_store", "auth"])
def test_a_disabled_choice_and_its_reason_fit_one_line(question: str) -> None:
    """questionary draws a disabled choice as `   - <title> (<reason>)`."""
    titles = choice_titles(question)
    too_long = {}
    for platform in variants.PLATFORMS:
        for use_case in variants.USE_CASES:
            for value, title in titles.items():
                if reason := variants.screen_reason(question, value, platform, use_case):
                    line = f"   - {title} ({reason})"
                    if columns(line) > COLUMNS:
                        too_long[(platform, use_case, value)] = line
    assert not too_long, too_long


def rendered_help(spec: dict[str, Any], context: dict[str, Any]) -> str:
    environment = jinja2.Environment(undefined=jinja2.StrictUndefined)
    return " ".join(environment.from_string(str(spec["help"])).render(context).split())


HELP_CONTEXTS = [
    {
        "platform": platform,
        "body_limit": answer_rules.body_limit({"platform": platform}),
        "default_compatibility_date": NEWEST.isoformat(),
        "today_utc": today,
        "answer_allowed": lambda question, platform=platform, source=source: answer_rules.allowed(
            question, {"platform": platform, "event_source": source}),
        "event_source": source,
    }
    for platform in variants.PLATFORMS
    for today in (NEWEST.isoformat(), (NEWEST + datetime.timedelta(days=30)).isoformat())
    for source in ("http_api", "sqs")
]


@pytest.mark.parametrize("question", QUESTIONS)
def test_every_help_text_is_one_short_line(question: str) -> None:
    """The prompt line is `🎤 <help>  <default>`; the help leaves room for a short default."""
    for context in HELP_CONTEXTS:
        shown = "🎤 " + rendered_help(QUESTIONS[question], context)
        assert columns(shown) <= COLUMNS - 8, f"{columns(shown)} columns: {shown}"


@pytest.mark.parametrize("question", ["use_case", "event_source", "idempotency_store", "auth"])
def test_a_disabled_choices_reason_names_no_choice_of_its_own_screen(question: str) -> None:
    """The reason says where a choice fits ("Workers only", "for webhook"), never "choose X"
    for an X that is itself disabled on the same screen."""
    values = list(choice_titles(question))
    named = {}
    for platform in variants.PLATFORMS:
        for use_case in variants.USE_CASES:
            for value in values:
                reason = variants.screen_reason(question, value, platform, use_case)
                if any(re.search(rf"\b{other}\b", reason) for other in values):
                    named[(platform, use_case, value)] = reason
    assert not named, named
