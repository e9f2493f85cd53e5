"""Helpers for the Workers renders: the answer matrix, wrangler.jsonc and its schema."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

STORES = ("durable_object", "d1", "kv")

#: Every Workers combination the questionnaire allows, as --data answers.
#: (use case, event source, extra answers); each is rendered once per idempotency store.
_SHAPES: tuple[tuple[str, str, dict[str, Any]], ...] = (
    ("json_api", "fetch", {"auth": "api_key"}),
    ("json_api", "fetch", {"auth": "none", "public_until": "2027-01-31", "cors_origins": "https://app.example.com"}),
    ("webhook", "fetch", {"signature_scheme": "standard_webhooks"}),
    ("webhook", "fetch", {"signature_scheme": "stripe"}),
    ("webhook", "fetch", {"signature_scheme": "github"}),
    ("file_import", "fetch", {"auth": "api_key"}),
    ("file_import", "r2_notification", {}),
    ("file_import", "cron", {}),
    ("queue_consumer", "queue", {}),
)


def workers_matrix() -> list[dict[str, Any]]:
    """Answer sets for every allowed Workers combination (edge_redirect has no store)."""
    matrix = [{"platform": "workers", "use_case": "edge_redirect", "event_source": "fetch"}]
    for use_case, event_source, extra in _SHAPES:
        for store in STORES:
            matrix.append(
                {"platform": "workers", "use_case": use_case, "event_source": event_source, "idempotency_store": store, **extra}
            )
    return matrix


def fuzz_targets(answers: dict[str, Any]) -> set[str]:
    """The fuzz properties a rendered combination's tests report (test/*-fuzz.test.mjs, csv.test.mjs)."""
    if answers["use_case"] == "file_import":
        handler = {"fetch": "fetch /imports", "r2_notification": "queue R2 notifications", "cron": "scheduled sweep"}
        return {handler[answers["event_source"]], "parseCsv round trip", "parseCsv any text"}
    handler = {"json_api": "fetch /orders", "webhook": "fetch /webhook", "edge_redirect": "fetch redirects", "queue_consumer": "queue messages"}
    return {handler[answers["use_case"]]}


def combination_id(answers: dict[str, Any]) -> str:
    parts = [answers["use_case"], answers["event_source"], answers.get("idempotency_store", "")]
    parts += [str(answers[key]) for key in ("auth", "signature_scheme") if key in answers]
    return "-".join(part for part in parts if part)


def read_jsonc(path: Path) -> Any:
    """wrangler.jsonc as rendered: JSON plus whole-line // comments, nothing else."""
    lines = [line for line in path.read_text().splitlines() if not line.lstrip().startswith("//")]
    return json.loads("\n".join(lines))


def wrangler_schema(project: Path) -> dict[str, Any]:
    """The config schema that ships inside the project's pinned wrangler package."""
    return json.loads((project / "node_modules" / "wrangler" / "config-schema.json").read_text())


def first_fixture_of(project: Path) -> str:
    """The fixture the README and `copier copy`'s message tell the owner to invoke first."""
    match = re.search(r"npm run invoke -- events/([\w.-]+\.json)", (project / "README.md").read_text())
    assert match, "README.md names no first fixture"
    return match.group(1)
