"""The answer sets the tests render, taken from the catalogue of variants (hooks/variants.py).

- :func:`matrix` is every allowed combination of a platform, as `--data` answers; the
  slow tests render each one and run its own tests.
- The named sets below vary the answers that are not choices (names, limits, dates,
  extras) on top of one allowed combination, for the tests that need them.

A combination the catalogue does not allow cannot be named here: :func:`named` refuses it.
"""

from __future__ import annotations

from typing import Any

from hooks.variants import Combination, combination_of, combinations, default

PUBLIC_UNTIL = "2027-01-31"
CORS_ORIGIN = "https://app.example.com"
#: Where the authentication is varied: the API use case. Other HTTP use cases render with
#: their default auth (a webhook has only hmac; a Workers upload takes api_key), because
#: what auth changes in the files is the same there and proven on json_api.
AUTH_VARIES_ON = "json_api"


def required_answers(combination: Combination) -> dict[str, Any]:
    """The choices, plus the answers without a default that the combination asks for."""
    answers: dict[str, Any] = combination.answers()
    if combination.auth == "none":
        answers["public_until"] = PUBLIC_UNTIL
    return answers


def matrix_answers(combination: Combination) -> dict[str, Any]:
    """A matrix entry: the required answers and what widens the proof for that combination."""
    answers = required_answers(combination)
    # Browser callers: public APIs, and a function URL with API keys (its CORS must allow x-api-key).
    if combination.use_case == "json_api" and (
        combination.auth == "none" or (combination.event_source == "function_url" and combination.auth == "api_key")
    ):
        answers["cors_origins"] = CORS_ORIGIN
    if combination.event_source == "eventbridge":
        answers["timeout_s"] = 30  # an event source with a timeout other than its default (60)
    return answers


def matrix(platform: str) -> dict[str, dict[str, Any]]:
    """Every allowed combination of ``platform`` (auth varied only on json_api), by id."""
    return {
        combination.id: matrix_answers(combination)
        for combination in combinations(platform)
        if combination.use_case == AUTH_VARIES_ON
        or not combination.auth
        or combination.auth == default("auth", combination.platform, combination.use_case)
    }


def in_language(entries: dict[str, dict[str, Any]], language: str) -> dict[str, dict[str, Any]]:
    """The matrix entries of one language (an entry without the answer is JavaScript)."""
    return {name: answers for name, answers in entries.items() if answers.get("language", "javascript") == language}


def typescript_sample(platform: str) -> dict[str, dict[str, Any]]:
    """The TypeScript entries whose whole suite runs: the first that brings each event source,
    store, auth or signature scheme the platform has not shown yet in TypeScript.

    The `.ts` files are derived from the JavaScript that the full matrix runs; what a
    TypeScript repo adds (tsc, the bundle, Node's type stripping, Vitest on .ts) is the
    same for every combination, and a file of one store, auth or scheme is the same in
    every combination that has it. The entries left out are type-checked and bundled
    (tests/test_typescript.py), so every TypeScript repo is still proven to compile.
    """
    seen: set[tuple[str, str]] = set()
    sample = {}
    for name, answers in in_language(matrix(platform), "typescript").items():
        combination = combination_of(answers)
        brings = {
            ("variant", f"{combination.use_case}/{combination.event_source}"),
            ("store", combination.idempotency_store),
            ("auth", combination.auth),
            ("scheme", combination.signature_scheme),
        } - seen
        if brings:
            sample[name] = answers
            seen |= brings
    return sample


def named(**answers: Any) -> dict[str, Any]:
    """An allowed combination given by the choices that differ from the defaults, plus other answers.

    ``named(platform="workers", idempotency_store="d1", with_mcp=True)`` is Workers' JSON API
    with a D1 store; choices left out take the catalogue's defaults.
    """
    combination = combination_of(answers)
    assert combination in combinations(), f"not an allowed combination: {combination}"
    others = {name: value for name, value in answers.items() if name not in Combination.__dataclass_fields__}
    return {**required_answers(combination), **others}


# ---------------------------------------------------------------- named sets --
#: tests/test_lambda_json_api.py: the default JSON API with other names, limits and extras.
LAMBDA_JSON_API_SETS: dict[str, dict[str, Any]] = {
    "public_with_cors_node24": named(
        auth="none",
        public_until="2027-03-31",
        cors_origins="https://app.example.com, http://localhost:5173",
        runtime="nodejs24.x",
        project_name="Shop Checkout",
        max_body_kb=8,
        log_retention_days=90,
    ),
    "small_timeouts_other_region": named(
        timeout_s=5, memory_mb=512, aws_region="us-east-2", idempotency_ttl_hours=1, owner="payments-team@acme.test"
    ),
}

#: tests/support/claude_code.py: every branch the prompts, settings and checklist take (both
#: platforms, every use case, store and auth, public endpoints, MCP and CI on and off).
CLAUDE_CODE_SETS: dict[str, dict[str, Any]] = {
    "lambda-json-api-iam": named(),
    "lambda-json-api-public-cors": named(auth="none", public_until="2099-01-31", cors_origins=CORS_ORIGIN),
    "lambda-json-api-function-url-public": named(event_source="function_url", auth="none", public_until="2099-01-31"),
    "lambda-json-api-api-key": named(auth="api_key"),
    "lambda-json-api-typescript": named(language="typescript"),
    "lambda-webhook-standard": named(use_case="webhook"),
    "lambda-webhook-function-url-stripe": named(use_case="webhook", event_source="function_url", signature_scheme="stripe"),
    "lambda-file-import-s3": named(use_case="file_import"),
    "lambda-queue-consumer-sqs": named(use_case="queue_consumer"),
    "lambda-queue-consumer-eventbridge": named(use_case="queue_consumer", event_source="eventbridge", with_mcp=True),
    "lambda-mcp-no-ci": named(with_mcp=True, with_ci=False),
    "workers-json-api-durable-object": named(platform="workers"),
    "workers-webhook-typescript": named(platform="workers", use_case="webhook", language="typescript"),
    "workers-json-api-d1-public": named(platform="workers", idempotency_store="d1", auth="none", public_until="2099-01-31"),
    "workers-json-api-kv-mcp": named(platform="workers", idempotency_store="kv", with_mcp=True),
    "workers-webhook-github": named(platform="workers", use_case="webhook", signature_scheme="github"),
    "workers-edge-redirect": named(platform="workers", use_case="edge_redirect"),
    "workers-queue-consumer": named(platform="workers", use_case="queue_consumer", with_ci=False),
    "workers-file-import-r2": named(platform="workers", use_case="file_import"),
    "workers-file-import-cron": named(platform="workers", use_case="file_import", event_source="cron", idempotency_store="d1"),
}
