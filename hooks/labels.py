"""What the generated documents call things, one definition each.

- :data:`CHECKLIST_ROWS`: the deploy checklist's rows. DEPLOY_CHECKLIST.md, the review
  and deploy-review prompts, the reviewer agent and scripts/check.mjs all name the same
  rows in this order.
- :data:`EVENT_SOURCE_LABELS` and :data:`STORE_LABELS`: how CLAUDE.md, the prompts and
  the READMEs name the trigger and the idempotency store.
- :data:`STORE_WARNINGS`: what a store that cannot keep the contract must say wherever it
  is named (code comment, README, CLAUDE.md, checklist).

Plain data, read by the context hook (hooks/context.py); tests/test_layout.py checks that
every combination of the catalogue has its labels.
"""

from __future__ import annotations

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

EVENT_SOURCE_LABELS: dict[str, str] = {
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

STORE_LABELS: dict[str, str] = {
    "dynamodb": "DynamoDB table with TTL",
    "durable_object": "Durable Object, one object per key (strongly consistent)",
    "d1": "D1 table with a unique key",
    "kv": "Workers KV (eventually consistent, NOT atomic: duplicates remain possible)",
}

STORE_WARNINGS: dict[str, str] = {
    "kv": (
        "Workers KV is eventually consistent and has no conditional write: two deliveries "
        "of the same key can both miss the claim (for up to a minute across locations), so "
        "duplicates remain possible. Use durable_object or d1 where a double side effect matters."
    ),
}
