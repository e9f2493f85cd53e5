"""What the handler-contracts rule (.claude/rules/, loaded with src/) and DEPLOY_CHECKLIST.md promise about the handler contracts: exactly what the
generated code does (issue 12), no stronger claim, for the answers where the wording differs."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

#: The guarantee of a failed store call around the side effect (the one duplicate it can cause).
ONE_DUPLICATE = "The one duplicate left: when the store fails *after* the side effect ran"


def contract_files(project: Path) -> dict[str, str]:
    return {name: (project / name).read_text() for name in (".claude/rules/handler-contracts.md", "DEPLOY_CHECKLIST.md")}


@pytest.mark.parametrize(
    "answers",
    [
        {},
        {"platform": "workers"},
        {"use_case": "webhook"},
        {"platform": "workers", "use_case": "webhook", "idempotency_store": "kv"},
    ],
    ids=["lambda-json_api", "workers-json_api", "lambda-webhook", "workers-webhook-kv"],
)
def test_both_files_state_the_deadline_guarantee_and_the_problem_details(render_project: Callable[..., Path], answers: dict[str, str]) -> None:
    for name, text in contract_files(render_project(**answers)).items():
        assert "call has a deadline" in text, name
        assert "A claim that does not answer in time → 503 with `Retry-After`, and the side effect does not run." in text, name
        assert ONE_DUPLICATE in text and "Nothing stronger is promised." in text, name
        assert "`idempotencyKey`" in text, name
        assert "RFC 9457 problem details (`application/problem+json`" in text, name
        assert '"bodyStored": false' in text, name
        assert "is refused: one `configuration refused` log line" in text, name


def test_json_api_states_the_structured_field_key_and_the_caller_scope(render_project: Callable[..., Path]) -> None:
    text = contract_files(render_project())[".claude/rules/handler-contracts.md"]
    assert "an RFC 9651 Structured Field string" in text and "RFC 8785 canonical JSON" in text
    assert "scoped to the caller: the SigV4 signer's ARN" in text
    api_key = contract_files(render_project(auth="api_key"))[".claude/rules/handler-contracts.md"]
    assert "a digest of the API key that matched (never the key itself)" in api_key


def test_a_public_endpoint_says_all_callers_share_one_key_space(render_project: Callable[..., Path]) -> None:
    project = render_project(auth="none", public_until="2027-03-31")
    for name, text in contract_files(project).items():
        assert "all callers share ONE key space" in text, name
        assert "scoped to the caller" not in text, name


def test_github_claims_no_time_window_and_names_what_stops_a_replay(render_project: Callable[..., Path]) -> None:
    for platform in ("lambda", "workers"):
        project = render_project(platform=platform, use_case="webhook", signature_scheme="github")
        for name, text in contract_files(project).items():
            assert "timestamp tolerance" not in text, f"{platform} {name}"
            assert "GitHub signs no timestamp" in text and "`X-GitHub-Delivery`" in text and "hook IP ranges" in text, f"{platform} {name}"


def test_stripe_says_what_is_signed(render_project: Callable[..., Path]) -> None:
    project = render_project(use_case="webhook", signature_scheme="stripe")
    for text in [*contract_files(project).values(), (project / "prompts" / "review.md").read_text()]:
        assert "HMAC-SHA256 over `<t>.<raw body>`" in text


def test_standard_webhooks_names_the_svix_headers(render_project: Callable[..., Path]) -> None:
    text = contract_files(render_project(use_case="webhook"))[".claude/rules/handler-contracts.md"]
    assert "Svix's own `svix-*` names" in text and "`webhook-id` / `svix-id`" in text
