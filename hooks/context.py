"""Derived values for the templates, computed once from the answers.

Copier renders every file with the answers; this hook adds the values that several
files need and that would otherwise be repeated as Jinja expressions: which parts of
the stack exist (HTTP edge, idempotency table, DLQ), resource names, which fixture to
show first, each platform's body limit, and the pinned versions (pins.toml, read by
hooks/pins.py). Keeping them here gives one typed definition per fact.

The hook runs for every Jinja context, including while the questionnaire is still
being answered, so it must tolerate missing answers.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import importlib.util
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

from copier_template_extensions import ContextHook


def _sibling_module(name: str) -> ModuleType:
    """hooks/<name>.py: Copier loads this file by its path, so a plain import of a sibling fails."""
    module_name = f"copier_serverless_{name}"
    if (loaded := sys.modules.get(module_name)) is not None:
        return loaded
    spec = importlib.util.spec_from_file_location(module_name, Path(__file__).with_name(f"{name}.py"))
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[module_name] = module  # dataclasses look their module up here
    spec.loader.exec_module(module)
    return module


claude_policy = _sibling_module("claude_policy")
pins = _sibling_module("pins")

HTTP_SOURCES = frozenset({"http_api", "function_url", "fetch"})
EVENT_SOURCES = frozenset({"s3", "sqs", "eventbridge", "queue", "r2_notification", "cron"})

FIRST_FIXTURE = {
    "json_api": "post-order.json",
    "webhook": "delivery-valid.json",
    "file_import": "object-created.json",
    "queue_consumer": "batch-valid.json",  # eventbridge: event-valid.json (see lambda_use_case_context)
    "edge_redirect": "get-redirected-path.json",
}


def derive(answers: dict[str, Any]) -> dict[str, Any]:
    """Return the derived values for a (possibly partial) set of answers."""
    platform = answers.get("platform", "lambda")
    use_case = answers.get("use_case", "json_api")
    event_source = answers.get("event_source", "")
    slug = answers.get("project_slug", "")

    is_http = event_source in HTTP_SOURCES and use_case != "edge_redirect"
    auth = answers.get("auth", "") if is_http else ""
    derived = {
        "is_lambda": platform == "lambda",
        "is_workers": platform == "workers",
        "is_http": is_http,
        "is_event_consumer": event_source in EVENT_SOURCES,
        "effective_auth": auth,
        "is_public": is_http and auth == "none",
        # Asked only for public endpoints; defined always so templates can test it.
        "public_until": answers.get("public_until", ""),
        "needs_idempotency": use_case != "edge_redirect",
        "first_event_fixture": FIRST_FIXTURE.get(use_case, "post-order.json"),
        **claude_code_context(answers, platform, slug),
        **workers_context(answers, platform, use_case, event_source, slug),
        **lambda_use_case_context(answers, platform, use_case, event_source),
        "body_limit": BODY_LIMITS.get(platform, BODY_LIMITS["lambda"]),
    }
    # Versions come last: a pin's `when` reads the answers and the values above.
    return {**derived, **pins.pins_context({**answers, **derived})}


# ---------------------------------------------------------- platform limits --
# The largest max_body_kb each platform can deliver to the handler, with the reason the
# questionnaire gives (Lambda quotas; Cloudflare Workers limits, checked 2026-12).
BODY_LIMITS: dict[str, dict[str, Any]] = {
    "lambda": {
        "kib": 6144,
        "reason": "Lambda's 6 MB limit on a synchronous invocation, which holds the whole event: body, headers and JSON escaping",
    },
    "workers": {
        "kib": 102400,
        "reason": (
            "100 MB, the request body limit of Cloudflare's Free and Pro plans; Business and Enterprise allow more, "
            "but the Worker holds the whole body in its 128 MB of memory"
        ),
    },
}


# ------------------------------------------------------ Claude Code and checklist --
# One definition of the deploy checklist rows: DEPLOY_CHECKLIST.md, the review and
# deploy-review prompts and scripts/check.mjs all name the same rows in this order.
CHECKLIST_ROWS: tuple[tuple[str, str], ...] = (
    ("requirements", "Requirements and owner"),
    ("runtime", "Runtime pinned"),
    ("local-proof", "Local proof"),
    ("config-secrets", "Config vs secrets"),
    ("idempotency", "Idempotency"),
    ("retries", "Timeout, retries and DLQ"),
    ("access", "Permissions (IAM or bindings)"),
    ("observability", "Observability and log retention"),
    ("edge", "Auth, CORS and rate limits"),
    ("cleanup", "Cleanup"),
)

EVENT_SOURCE_LABELS = {
    "http_api": "API Gateway HTTP API",
    "function_url": "Lambda function URL",
    "s3": "S3 object-created notifications",
    "sqs": "SQS queue (with a dead-letter queue)",
    "eventbridge": "EventBridge rule",
    "fetch": "HTTP fetch handler",
    "queue": "Cloudflare Queue (with a dead-letter queue)",
    "r2_notification": "R2 event notifications delivered through a Queue",
    "cron": "Cron trigger",
}
STORE_LABELS = {
    "dynamodb": "DynamoDB table with TTL",
    "durable_object": "Durable Object, one object per key (strongly consistent)",
    "d1": "D1 table with a unique key",
    "kv": "Workers KV (eventually consistent, NOT atomic: duplicates remain possible)",
}


def claude_code_context(answers: dict[str, Any], platform: str, slug: str) -> dict[str, Any]:
    """Checklist rows, the Claude Code policy (hooks/claude_policy.py) and the exact deploy/delete commands."""
    region = answers.get("aws_region", "eu-west-1")
    is_lambda = platform == "lambda"
    stack_name = f"{slug}-dev"
    return {
        "checklist_rows": [{"id": row_id, "title": title} for row_id, title in CHECKLIST_ROWS],
        "permissions": claude_policy.permission_lists(platform),
        "sandbox_settings": claude_policy.sandbox_settings(),
        "guard_policy": claude_policy.guard_policy(),
        "headless_review_tools": claude_policy.headless_review_tools(),
        "stack_name": stack_name,
        "deploy_command": "npm run deploy:dev" if is_lambda else "npm run deploy",
        "stack_delete_command": f"sam delete --stack-name {stack_name} --region {region}" if is_lambda else f"npx wrangler delete --name {slug}",
        "event_source_label": EVENT_SOURCE_LABELS.get(answers.get("event_source", ""), ""),
        "store_label": STORE_LABELS.get(answers.get("idempotency_store", ""), ""),
    }


# ---------------------------------------------------------------- Workers --
WORKERS_STORE_WARNINGS = {
    "kv": (
        "Workers KV is eventually consistent and has no conditional write: two deliveries "
        "of the same key can both miss the claim (for up to a minute across locations), so "
        "duplicates remain possible. Use durable_object or d1 where a double side effect matters."
    ),
}


#: file_import on Workers starts from an upload or a cron run instead of a bucket event.
WORKERS_FIRST_FIXTURE = {"fetch": "post-import.json", "r2_notification": "object-created.json", "cron": "scheduled-sweep.json"}


def workers_context(answers: dict[str, Any], platform: str, use_case: str, event_source: str, slug: str) -> dict[str, Any]:
    """Which Workers bindings exist (stores, R2, Queues, cron) and their names."""
    is_workers = platform == "workers"
    store = answers.get("idempotency_store", "") if is_workers and use_case != "edge_redirect" else ""
    queue_name = f"{slug}-r2-events" if event_source == "r2_notification" else f"{slug}-messages"
    consumes_queue = is_workers and event_source in {"queue", "r2_notification"}
    return {
        "workers_store": store,
        "store_warning": WORKERS_STORE_WARNINGS.get(store, ""),
        "uses_r2": is_workers and use_case == "file_import",
        "r2_bucket_name": f"{slug}-files",
        "consumes_queue": consumes_queue,
        "queue_name": queue_name if consumes_queue else "",
        "dead_letter_queue_name": f"{queue_name}-dlq" if consumes_queue else "",
        # file_import sweeps R2 every 15 minutes; a D1 store purges expired rows nightly.
        "cron_schedule": "*/15 * * * *" if is_workers and event_source == "cron" else ("17 3 * * *" if store == "d1" else ""),
        "d1_database_name": f"{slug}-idempotency",
        **({"first_event_fixture": WORKERS_FIRST_FIXTURE[event_source]} if is_workers and use_case == "file_import" and event_source in WORKERS_FIRST_FIXTURE else {}),
    }


# ------------------------------------------------------------- Lambda use cases --
# Webhook fixtures in events/ are signed at render time with clearly fake local
# secrets, so `npm run invoke` shows a verified delivery. The same values live in the
# generated scripts/local-webhook-secrets.mjs; they are assembled from parts so no
# tracked file holds a string that looks like a real provider secret.
LOCAL_SECRET_TEXT = {
    "current": b"copier-serverless local test secret - current",
    "previous": b"copier-serverless local test secret - previous",
    "wrong": b"copier-serverless local test secret - attacker",
}


def local_webhook_secret(scheme: str, which: str) -> str:
    """The fake local secret of a scheme ("current", "previous" or "wrong")."""
    text = LOCAL_SECRET_TEXT[which]
    if scheme == "github":
        return text.decode().replace(" ", "-")
    return "_".join(["whsec", base64.b64encode(text).decode()])


def signed_webhook_headers(scheme: str, body: str, event_id: str, timestamp: int, which: str = "current") -> dict[str, str]:
    """Headers a provider using ``scheme`` would send with ``body`` (see src/lib/signatures.mjs)."""
    secret = local_webhook_secret(scheme, which)
    raw = body.encode()
    if scheme == "standard_webhooks":
        key = base64.b64decode(secret.split("_", 1)[1])
        digest = hmac.new(key, f"{event_id}.{timestamp}.".encode() + raw, hashlib.sha256).digest()
        return {
            "webhook-id": event_id,
            "webhook-timestamp": str(timestamp),
            "webhook-signature": "v1," + base64.b64encode(digest).decode(),
        }
    if scheme == "stripe":
        digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + raw, hashlib.sha256).hexdigest()
        return {"stripe-signature": f"t={timestamp},v1={digest}"}
    digest = hmac.new(secret.encode(), raw, hashlib.sha256).hexdigest()
    return {"x-hub-signature-256": f"sha256={digest}", "x-github-delivery": event_id}


#: The providers' official signing libraries, which the webhook tests sign deliveries with
#: (exact versions; devDependencies only). svix 1.x: svix 2 needs Node 22.
def lambda_use_case_context(answers: dict[str, Any], platform: str, use_case: str, event_source: str) -> dict[str, Any]:
    """Which Lambda pieces exist for the use case: function URL, queues, bucket, secrets."""
    is_lambda = platform == "lambda"
    context: dict[str, Any] = {
        "is_function_url": is_lambda and event_source == "function_url",
        "is_http_api": is_lambda and event_source == "http_api",
        # Async sources and SQS hand-offs get a dead-letter queue in template.yaml.
        "has_dead_letter_queue": is_lambda and use_case in {"file_import", "queue_consumer"},
        "signed_webhook_headers": signed_webhook_headers,
        "md5_hex": lambda text: hashlib.md5(text.encode()).hexdigest(),  # SQS md5OfBody in fixtures
    }
    if is_lambda and event_source == "eventbridge":
        context["first_event_fixture"] = "event-valid.json"
    return context


class DerivedContext(ContextHook):
    """Copier context hook: adds :func:`derive`'s values to every render."""

    def hook(self, context: dict[str, Any]) -> None:
        context.update(derive(context))
