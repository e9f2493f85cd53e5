"""Cloudflare Workers renders: every allowed combination renders, validates against the
pinned Wrangler's own config schema, passes its own Vitest suite inside workerd (its fuzz
properties at 10 000 events each), survives `wrangler deploy --dry-run`, and replays its
first fixture with `npm run invoke`."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import copier
from copier.errors import UserMessageError
import jsonschema
import pytest

from hooks import pins
from hooks.variants import combination_of
from tests.support.claude_code import code_ext
from tests.support.fuzz import FUZZ_ENV, assert_fuzzed
from tests.support.generated import assert_no_template_leftovers
from tests.support.matrix import in_language, matrix, typescript_sample
from tests.support.node import install_node_modules, run
from tests.support.quiet import assert_quiet
from tests.support.render import TEMPLATE_ROOT, render
from tests.support.workers import first_fixture_of, read_jsonc, wrangler_schema

#: Every combination in JavaScript, and the TypeScript sample (tests/support/matrix.py), whose
#: `npm test` type-checks (`wrangler types`, then tsc) before Vitest runs the `.ts` in workerd.
MATRIX = {**in_language(matrix("workers"), "javascript"), **typescript_sample("workers")}


@pytest.mark.slow
@pytest.mark.parametrize("answers", MATRIX.values(), ids=MATRIX.keys())
def test_combination_renders_validates_and_passes_its_tests(answers: dict[str, Any], tmp_path: Path) -> None:
    project = render(tmp_path / "project", **answers)
    assert_no_template_leftovers(project)

    install_node_modules(project)
    jsonschema.validate(read_jsonc(project / "wrangler.jsonc"), wrangler_schema(project))

    # The owner's `npm test`, with the fuzz properties at CI strength (FUZZ_RUNS events each).
    # One Vitest worker: pytest-xdist already keeps both CI cores busy.
    tests = run(
        ["npm", "test", "--", "--reporter=dot", "--maxWorkers=1"],
        project,
        env={"NO_COLOR": "1", "FORCE_COLOR": "0", **FUZZ_ENV},
    )
    summary = re.search(r"Tests\s+(\d+) passed \((\d+)\)", tests.stdout)
    assert summary and summary.group(1) == summary.group(2), tests.stdout[-3000:]
    reports = assert_fuzzed(tests.stdout + tests.stderr)
    assert_quiet(tests.stdout + tests.stderr)
    assert {report["target"] for report in reports} == combination_of(answers).variant.fuzz_targets, reports

    # `npm run invoke` first runs `wrangler deploy --dry-run` (it bundles what deploys), then
    # replays the fixture in workerd: one step proves the dry-run and the local invoke.
    fixture = project / "events" / first_fixture_of(project)
    extension = code_ext(project)
    if extension == "ts":
        assert re.search(r"^> wrangler types && tsc --noEmit", tests.stdout, re.MULTILINE), "npm test writes Env, then type-checks"
    invoked = run(["node", f"scripts/invoke.{extension}", f"events/{fixture.name}"], project)
    assert (project / ".wrangler" / "invoke" / "index.js").is_file()
    assert f"── events/{fixture.name}" in invoked.stdout
    # The first fixture is the good case: a 2xx (or the redirect), or a queue/cron run that went ok.
    assert re.search(r'"status": (200|202|301)|"outcome": "ok"', invoked.stdout), invoked.stdout


def test_defaults_on_workers_are_a_json_api_with_durable_objects_and_api_keys(render_project: Callable[..., Path]) -> None:
    project = render_project(platform="workers")
    config = read_jsonc(project / "wrangler.jsonc")
    # Today, or the newest date the pinned workerd runs when today is later (pins.toml).
    assert config["compatibility_date"] == min(pins.today(), pins.load().max_compatibility_date).isoformat()
    assert config["main"] == "src/index.mjs"
    assert config["observability"]["enabled"] is True
    assert config["durable_objects"]["bindings"] == [{"name": "IDEMPOTENCY", "class_name": "IdempotencyRecord"}]
    assert config["migrations"] == [{"tag": "v1", "new_sqlite_classes": ["IdempotencyRecord"]}]
    assert (project / "src" / "lib" / "api-key.mjs").is_file()
    assert "API_KEYS=" in (project / ".dev.vars.example").read_text()
    assert not (project / ".dev.vars").exists()
    assert ".dev.vars" in (project / ".gitignore").read_text().splitlines()
    assert "wrangler secret put API_KEYS" in (project / "README.md").read_text()


def test_compatibility_date_is_written_as_answered(render_project: Callable[..., Path]) -> None:
    project = render_project(platform="workers", compatibility_date="2025-06-01")
    assert read_jsonc(project / "wrangler.jsonc")["compatibility_date"] == "2025-06-01"


def test_kv_store_says_it_is_not_atomic_in_code_and_readme(render_project: Callable[..., Path]) -> None:
    project = render_project(platform="workers", idempotency_store="kv")
    assert "eventually consistent" in (project / "src" / "lib" / "stores" / "kv.mjs").read_text()
    assert "not atomic" in (project / "src" / "lib" / "stores" / "kv.mjs").read_text()
    readme = (project / "README.md").read_text()
    assert "eventually consistent" in readme and "duplicates remain possible" in readme
    assert read_jsonc(project / "wrangler.jsonc")["kv_namespaces"] == [{"binding": "IDEMPOTENCY_KV"}]


def test_d1_store_ships_its_migration_and_nightly_clean_up(render_project: Callable[..., Path]) -> None:
    project = render_project(platform="workers", idempotency_store="d1")
    config = read_jsonc(project / "wrangler.jsonc")
    assert config["d1_databases"][0]["migrations_dir"] == "migrations"
    assert config["triggers"]["crons"] == ["17 3 * * *"]
    migration = (project / "migrations" / "0001_create_idempotency_records.sql").read_text()
    assert "key TEXT PRIMARY KEY" in migration
    # A cron-driven import keeps its 15-minute sweep and gets the nightly clean-up as a second trigger.
    sweep = render_project(platform="workers", use_case="file_import", event_source="cron", idempotency_store="d1")
    assert read_jsonc(sweep / "wrangler.jsonc")["triggers"]["crons"] == ["*/15 * * * *", "17 3 * * *"]


@pytest.mark.parametrize(
    ("answers", "message"),
    [
        ({"use_case": "queue_consumer", "event_source": "cron"},
         'event_source="cron": fits platform workers with use_case file_import'),
        ({"use_case": "json_api", "idempotency_store": "dynamodb"},
         'idempotency_store="dynamodb": needs platform lambda; on workers choose durable_object, d1 or kv'),
        ({"use_case": "json_api", "auth": "iam"}, 'auth="iam": needs platform lambda; on workers choose none or api_key'),
        ({"use_case": "json_api", "compatibility_date": "2099-05-01"},
         f'compatibility_date="2099-05-01": at most {pins.load().max_compatibility_date}'),
        ({"use_case": "json_api", "auth": "none", "public_until": "soon"}, 'public_until="soon": a date YYYY-MM-DD is required'),
    ],
)
def test_answers_that_do_not_fit_workers_are_refused(tmp_path: Path, answers: dict[str, Any], message: str) -> None:
    """Refused up front (hooks/given_answers.py), with the question, the value and what fits."""
    with pytest.raises(UserMessageError, match=re.escape(message)):
        copier.run_copy(
            str(TEMPLATE_ROOT), str(tmp_path / "project"), data={"platform": "workers", **answers}, defaults=True, unsafe=True, quiet=True
        )
    assert not (tmp_path / "project").exists(), "nothing was written"


def test_the_wrangler_schema_check_catches_a_misspelt_key(render_project: Callable[..., Path]) -> None:
    """The schema is strict (no unknown keys), so validating against it proves something."""
    project = render_project(platform="workers", idempotency_store="d1")
    install_node_modules(project)
    config = read_jsonc(project / "wrangler.jsonc")
    jsonschema.validate(config, wrangler_schema(project))
    config["compatibility_dat"] = config.pop("compatibility_date")
    with pytest.raises(jsonschema.ValidationError, match="compatibility_dat"):
        jsonschema.validate(config, wrangler_schema(project))
