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
import datetime
import functools
import hashlib
import hmac
import importlib.util
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

from copier_template_extensions import ContextHook

def _sibling_module(name: str) -> ModuleType:
    """hooks/<name>.py of this template copy (Copier loads this file by path, not as a package)."""
    path = Path(__file__).with_name(f"{name}.py")
    # One module per template copy: an update loads the old and the new template in one process.
    module_name = f"copier_serverless_{name}_" + hashlib.sha256(str(path.resolve()).encode()).hexdigest()[:16]
    if (loaded := sys.modules.get(module_name)) is not None:
        return loaded
    spec = importlib.util.spec_from_file_location(module_name, path)
    assert spec and spec.loader, path
    module = importlib.util.module_from_spec(spec)
    sys.modules[module_name] = module  # dataclasses look their module up while the classes are built
    spec.loader.exec_module(module)
    return module


variants = _sibling_module("variants")
claude_policy = _sibling_module("claude_policy")
claude_skills = _sibling_module("claude_skills")
mcp_servers = _sibling_module("mcp_servers")
pins = _sibling_module("pins")


def derive(answers: dict[str, Any]) -> dict[str, Any]:
    """Return the derived values for a (possibly partial) set of answers."""
    platform = answers.get("platform", "lambda")
    use_case = answers.get("use_case", "json_api")
    event_source = answers.get("event_source", "")
    slug = answers.get("project_slug", "")

    is_http = variants.is_http(use_case, event_source)
    auth = answers.get("auth", "") if is_http else ""
    derived = {
        "is_lambda": platform == "lambda",
        "is_workers": platform == "workers",
        "is_http": is_http,
        "is_event_consumer": bool(event_source) and event_source not in variants.HTTP_SOURCES,
        "effective_auth": auth,
        "is_public": is_http and auth == "none",
        # Asked only for public endpoints; defined always so templates can test it.
        "public_until": answers.get("public_until", ""),
        "needs_idempotency": use_case not in variants.STATELESS_USE_CASES,
        **catalogue_context(answers, platform, use_case, event_source),
        **claude_code_context(answers, platform, slug),
        **claude_policy.headless_context(),
        **claude_skills.skills_context(answers, platform, use_case, event_source, slug, f"{slug}-dev"),
        **mcp_servers.mcp_context(answers, platform, dict(pins.load().raw["pypi"])),
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


# -------------------------------------------------------------- the catalogue --
def catalogue_context(answers: dict[str, Any], platform: str, use_case: str, event_source: str) -> dict[str, Any]:
    """What hooks/variants.py says about these answers: the first fixture, the paths to
    leave out (copier.yml `_exclude`), and the functions copier.yml's choices call."""
    variant = variants.variant_of(platform, use_case, event_source) or next(
        (v for v in variants.VARIANTS if (v.platform, v.use_case) == (platform, use_case)), None
    )
    return {
        "first_event_fixture": variant.first_fixture if variant else "post-order.json",
        "excluded_paths": "\n".join(variants.excluded_paths(variants.Chosen.of(answers))),
        # `validator: "{{ choice_refusal('event_source', 's3') }}"` in copier.yml
        "choice_refusal": functools.partial(_refusal, platform, use_case),
        # `default: "{{ choice_default('event_source') }}"` in copier.yml
        "choice_default": functools.partial(_default, platform, use_case),
    }


def _refusal(platform: str, use_case: str, question: str, value: str) -> str:
    return variants.refusal(question, value, platform, use_case)


def _default(platform: str, use_case: str, question: str) -> str:
    return variants.default(question, platform, use_case)


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
        "permissions": claude_policy.permission_lists(platform, mcp_servers.mcp_context(answers, platform, dict(pins.load().raw["pypi"]))["mcp_deny_rules"]),
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
    return {
        "is_function_url": is_lambda and event_source == "function_url",
        "is_http_api": is_lambda and event_source == "http_api",
        # Async sources and SQS hand-offs get a dead-letter queue in template.yaml.
        "has_dead_letter_queue": is_lambda and use_case in {"file_import", "queue_consumer"},
        "signed_webhook_headers": signed_webhook_headers,
        "md5_hex": lambda text: hashlib.md5(text.encode()).hexdigest(),  # SQS md5OfBody in fixtures
    }


#: Answer values a cache key can hold (Copier answers are scalars).
_SCALARS = (str, int, float, bool, type(None), datetime.date)


@functools.lru_cache(maxsize=64)
def _derive_once(answers: tuple[tuple[str, Any], ...]) -> dict[str, Any]:
    return derive(dict(answers))


class DerivedContext(ContextHook):
    """Copier context hook: adds :func:`derive`'s values to every render.

    Copier builds a Jinja context for every file, path part, default and validator, so
    the values are computed once per set of answers. :func:`derive` reads answers only
    (never Copier's `_copier_*` values), which makes the answers the cache key.
    """

    def hook(self, context: dict[str, Any]) -> None:
        key = tuple(sorted((name, value) for name, value in context.items() if not name.startswith("_") and isinstance(value, _SCALARS)))
        context.update(_derive_once(key))
