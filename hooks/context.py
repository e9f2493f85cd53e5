"""Derived values for the templates, computed once from the answers.

Copier renders every file with the answers; this hook adds the values that several
files need and that would otherwise be repeated as Jinja expressions: which parts of
the stack exist (HTTP edge, idempotency table, DLQ), resource names, and which
fixture to show first. Keeping them here gives one typed definition per fact.

The hook runs for every Jinja context, including while the questionnaire is still
being answered, so it must tolerate missing answers.
"""

from __future__ import annotations

from typing import Any

from copier_template_extensions import ContextHook

HTTP_SOURCES = frozenset({"http_api", "function_url", "fetch"})
EVENT_SOURCES = frozenset({"s3", "sqs", "eventbridge", "queue", "r2_notification", "cron"})

FIRST_FIXTURE = {
    "json_api": "post-order.json",
    "webhook": "delivery-valid.json",
    "file_import": "object-created.json",
    "queue_consumer": "batch-valid.json",
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
    return {
        "is_lambda": platform == "lambda",
        "is_workers": platform == "workers",
        "is_http": is_http,
        "is_event_consumer": event_source in EVENT_SOURCES,
        "effective_auth": auth,
        "is_public": is_http and auth == "none",
        "needs_idempotency": use_case != "edge_redirect",
        "first_event_fixture": FIRST_FIXTURE.get(use_case, "post-order.json"),
        "function_logical_id": "Function",
        "idempotency_table_name": f"{slug}-idempotency",
        "log_group_name": f"/aws/lambda/{slug}",
        "node_version_required": "20",
    }


class DerivedContext(ContextHook):
    """Copier context hook: adds :func:`derive`'s values to every render."""

    def hook(self, context: dict[str, Any]) -> None:
        context.update(derive(context))
