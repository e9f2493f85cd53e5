"""The repo facts the Claude Code skills and rules name: which files hold what, per variant.

The skills tell Claude where to change things (the domain module, the fixture test and
its table of expected answers, the behaviour tests) and which command reads the logs.
Those names are written here once, per variant; tests/test_claude_facts.py renders every
combination and checks each named file exists and holds the named table, so a layout
change that forgets the skills fails there.

Plain data and small pure functions: no Jinja, no file access, no network.
"""

from __future__ import annotations

from typing import Any

#: (platform, use case or event source) -> the module the owner edits for behaviour.
DOMAIN_MODULES: dict[tuple[str, str], str] = {
    ("lambda", "json_api"): "src/orders.mjs",
    ("workers", "json_api"): "src/orders.mjs",
    ("lambda", "webhook"): "src/deliveries.mjs",
    ("workers", "webhook"): "src/deliveries.mjs",
    ("lambda", "queue_consumer"): "src/messages.mjs",
    ("workers", "queue_consumer"): "src/messages.mjs",
    ("lambda", "s3"): "src/files.mjs",
    ("workers", "r2_notification"): "src/notifications.mjs",
    ("workers", "fetch"): "src/uploads.mjs",
    ("workers", "cron"): "src/sweep.mjs",
    ("workers", "edge_redirect"): "src/redirects.mjs",
}

#: (platform, use case or event source) -> the tests of that behaviour.
BEHAVIOUR_TESTS: dict[tuple[str, str], str] = {
    ("lambda", "json_api"): "test/unit/orders-api.test.mjs",
    ("workers", "json_api"): "test/orders-api.test.mjs",
    ("lambda", "webhook"): "test/unit/webhook.test.mjs",
    ("workers", "webhook"): "test/webhook.test.mjs",
    ("lambda", "sqs"): "test/unit/sqs-consumer.test.mjs",
    ("lambda", "eventbridge"): "test/unit/eventbridge-consumer.test.mjs",
    ("workers", "queue"): "test/queue-consumer.test.mjs",
    ("lambda", "s3"): "test/unit/file-import.test.mjs",
    ("workers", "r2_notification"): "test/notifications.test.mjs",
    ("workers", "fetch"): "test/uploads.test.mjs",
    ("workers", "cron"): "test/sweep.test.mjs",
    ("workers", "edge_redirect"): "test/redirects.test.mjs",
}


def _lookup(table: dict[tuple[str, str], str], platform: str, use_case: str, event_source: str) -> str:
    return table.get((platform, use_case)) or table.get((platform, event_source), "")


def fixture_test(platform: str, use_case: str, event_source: str) -> tuple[str, str]:
    """(file, table) of the test that replays every fixture of events/ and names its expected answer."""
    if platform == "lambda":
        return "test/unit/fixtures.test.mjs", "EXPECTED"
    if event_source == "cron":
        return "", ""  # one scheduled event, proven by test/sweep.test.mjs
    if event_source in {"queue", "r2_notification"}:
        return "test/fixtures.test.mjs", "EXPECTED_RETRIES"
    if use_case == "edge_redirect":
        return "test/fixtures.test.mjs", "EXPECTED_STATUS"
    return "test/fixtures.test.mjs", "EXPECTED"


def log_commands(platform: str, slug: str, stack_name: str, region: str) -> dict[str, str]:
    """The read-only commands that show the deployed dev function's logs."""
    if platform == "lambda":
        recent = f"sam logs --stack-name {stack_name} --region {region} --start-time '30mins ago'"
        # A CloudWatch Logs filter pattern on the JSON lines' level field.
        return {"recent": recent, "errors": recent + " --filter '{ $.level = \"error\" }'"}
    recent = f"npx wrangler tail {slug} --format json"
    return {"recent": recent, "errors": recent + " --status error"}


def skills_context(answers: dict[str, Any], platform: str, use_case: str, event_source: str, slug: str, stack_name: str) -> dict[str, Any]:
    region = str(answers.get("aws_region", "eu-west-1"))
    test_file, table = fixture_test(platform, use_case, event_source)
    # A TypeScript repo has `x.ts` where a JavaScript one has `x.mjs` (src/ and test/ only).
    code = (lambda path: path.removesuffix(".mjs") + ".ts" if path else path) if answers.get("language") == "typescript" else (lambda path: path)
    return {
        "domain_module": code(_lookup(DOMAIN_MODULES, platform, use_case, event_source)),
        "behaviour_test": code(_lookup(BEHAVIOUR_TESTS, platform, use_case, event_source)),
        "entry_module": code("src/handler.mjs" if platform == "lambda" else "src/index.mjs"),
        "deploy_config": "template.yaml" if platform == "lambda" else "wrangler.jsonc",
        "fixture_test_file": code(test_file),
        "fixture_test_table": table,
        "log_commands": log_commands(platform, slug, stack_name, region),
        # What an IAM caller must be granted: a function URL is no API Gateway API.
        "iam_invoke_action": "lambda:InvokeFunctionUrl" if event_source == "function_url" else "execute-api:Invoke",
    }
