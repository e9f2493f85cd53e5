"""DEPLOY_CHECKLIST.md and its machine-checkable part, `npm run check` (scripts/check.mjs)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from hooks.labels import CHECKLIST_ROWS
from tests.support.claude_code import TOOLS_PATH, answers_of, copy_project, rendered
from tests.support.claude_code import project, render_root  # noqa: F401 (fixtures)
from tests.support.node import install_node_modules, run

pytestmark = pytest.mark.xdist_group("claude_code")

REAL_OWNER = "payments-team@acme.test"




VENV_BIN = str(Path(sys.executable).parent)


def check(project: Path, *args: str, path: str = TOOLS_PATH) -> subprocess.CompletedProcess[str]:
    return run(["node", "scripts/check.mjs", *args], project, check=False, timeout=300, env={"PATH": path})


def rows_of(output: str) -> dict[str, tuple[str, str]]:
    """{row name: (mark, reason)} from check.mjs output lines `✓ row — reason`."""
    rows = {}
    for line in output.splitlines():
        match = re.match(r"^([✓✗–]) (.+?) — (.*)$", line)
        if match:
            rows[match.group(2)] = (match.group(1), match.group(3))
    return rows


def with_owner(project: Path, owner: str = REAL_OWNER) -> Path:
    answers = project / ".copier-answers.yml"
    text = answers.read_text()
    assert "owner: you@example.com" in text
    answers.write_text(text.replace("owner: you@example.com", f"owner: {owner}"))
    return project


# ------------------------------------------------------------ the checklist --


def test_checklist_has_one_section_per_concern_in_order(project: Path) -> None:
    text = (project / "DEPLOY_CHECKLIST.md").read_text()
    assert re.findall(r"^## \d+\. (.+)$", text, re.MULTILINE) == [title for _, title in CHECKLIST_ROWS]
    table_rows = re.findall(r"^\| (\d+) \| ([^|]+) \|", text, re.MULTILINE)
    assert [title.strip() for _, title in table_rows] == [title for _, title in CHECKLIST_ROWS]


def test_checklist_marks_the_placeholder_owner(project: Path) -> None:
    text = (project / "DEPLOY_CHECKLIST.md").read_text()
    assert "✗ owner is the placeholder you@example.com" in text


def test_checklist_shows_a_real_owner_as_set(tmp_path: Path) -> None:
    from tests.support.render import render

    text = (render(tmp_path / "p", owner=REAL_OWNER) / "DEPLOY_CHECKLIST.md").read_text()
    assert f"✓ owner {REAL_OWNER}" in text
    assert "✗ owner" not in text and "still the placeholder" not in text


def test_checklist_gives_the_exact_delete_commands_for_this_stack(project: Path) -> None:
    text = (project / "DEPLOY_CHECKLIST.md").read_text()
    cleanup = text.split("Cleanup\n", 2)[-1]
    answers = answers_of(project)
    slug = answers["project_slug"]
    if answers["platform"] == "lambda":
        assert f"`sam delete --stack-name {slug}-dev --region {answers['aws_region']}`" in cleanup
        assert "DeletionPolicy: Delete" in cleanup
        return
    assert f"`npx wrangler delete --name {slug}`" in cleanup
    store = answers.get("idempotency_store") if answers["use_case"] != "edge_redirect" else None
    assert ("npx wrangler d1 delete" in cleanup) == (store == "d1")
    assert ("npx wrangler kv namespace delete" in cleanup) == (store == "kv")
    assert ("npx wrangler queues delete" in cleanup) == (answers["event_source"] in {"queue", "r2_notification"})
    assert ("npx wrangler r2 bucket delete" in cleanup) == (answers["use_case"] == "file_import")


def test_checklist_names_public_until_for_public_endpoints(project: Path) -> None:
    answers = answers_of(project)
    text = (project / "DEPLOY_CHECKLIST.md").read_text()
    if answers.get("auth") == "none":
        assert f"public until {answers['public_until']}" in text
        assert "PUBLIC" in text
    else:
        assert "public until" not in text


# -------------------------------------------------------- npm run check --


def test_check_fails_on_the_placeholder_owner_and_says_why(project: Path) -> None:
    result = check(project, "--skip-tests")
    assert result.returncode == 1
    rows = rows_of(result.stdout)
    mark, reason = rows["Requirements and owner: owner set"]
    assert mark == "✗" and "you@example.com" in reason
    assert rows["Local proof: tests pass"] == ("–", "skipped (--skip-tests)")
    assert "Checklist: 1 of" in result.stdout


def test_check_passes_with_a_real_owner(project: Path, tmp_path: Path) -> None:
    project = with_owner(copy_project(project, tmp_path / "p"))
    result = check(project, "--skip-tests")
    rows = rows_of(result.stdout)
    assert result.returncode == 0, result.stdout
    assert rows["Requirements and owner: owner set"] == ("✓", f"owner is {REAL_OWNER}")
    assert rows["Observability and log retention: retention set"][0] == "✓"
    assert rows["Runtime pinned"][0] == "✓"
    assert rows["Config vs secrets: no secret-looking strings in tracked files"][0] == "✓"
    assert set(mark for mark, _ in rows.values()) <= {"✓", "–"}
    mark, limits = rows[RATE_LIMIT_ROW]
    assert mark == "✓" and expected_limit(answers_of(project)) in limits


RATE_LIMIT_ROW = "Auth, CORS and rate limits: every public route has a limit"


def expected_limit(answers: dict) -> str:
    """What the rate-limit row names as the limit of this answer set's public routes."""
    source = answers.get("event_source")
    if answers["platform"] == "workers":
        if source != "fetch":
            return "has no public route (workers_dev false, no routes)"
        return f"the Worker: {answers['rate_limit_requests']} requests per {answers['rate_limit_period_s']} s per caller (RATE_LIMITER)"
    if source == "http_api":
        route = "/orders" if answers["use_case"] == "json_api" else "/webhook"
        return f"HttpApi throttled at burst 50, 25 requests/s; POST {route} at 10 requests/s"
    if source == "function_url":
        return "Function's function URL"
    return "no public route"



def line_of(path: Path, needle: str) -> int:
    return next(number for number, line in enumerate(path.read_text().splitlines(), 1) if needle in line)


def failed_row(project: Path, row: str) -> str:
    """`npm run check` fails, with ✗ on ``row``; returns that row's reason."""
    result = check(project, "--skip-tests")
    mark, reason = rows_of(result.stdout)[row]
    assert result.returncode == 1 and mark == "✗", result.stdout
    return reason


def test_check_fails_a_public_worker_without_a_rate_limit_and_names_the_line(render_root: Path, tmp_path: Path) -> None:
    project = with_owner(copy_project(rendered("workers-json-api-d1-public", render_root), tmp_path / "p"))
    config = project / "wrangler.jsonc"
    config.write_text(re.sub(r'  "ratelimits": \[\n.*?\n  \],\n', "", config.read_text(), flags=re.DOTALL))
    assert '"ratelimits"' not in config.read_text()
    reason = failed_row(project, RATE_LIMIT_ROW)
    line = line_of(config, '"workers_dev"')
    assert reason == f'wrangler.jsonc:{line} the Worker is public (workers_dev) but has no "ratelimits" binding named RATE_LIMITER, so nothing limits its callers'


def test_check_fails_a_named_environment_without_its_own_rate_limit(render_root: Path, tmp_path: Path) -> None:
    project = with_owner(copy_project(rendered("workers-json-api-durable-object", render_root), tmp_path / "p"))
    config = project / "wrangler.jsonc"
    # Wrangler does not inherit "ratelimits" into an environment: staging would deploy unlimited.
    text = config.read_text()
    config.write_text(text[: text.rindex("}")] + ',\n  "env": {\n    "staging": { "routes": ["staging.example.com/*"] }\n  }\n}\n')
    reason = failed_row(project, RATE_LIMIT_ROW)
    line = line_of(config, '"staging"')
    assert reason == f'wrangler.jsonc:{line} environment "staging" is public (routes) but has no "ratelimits" binding named RATE_LIMITER, so nothing limits its callers'


@pytest.mark.parametrize("broken", ["limit 0", "period 30"])
def test_check_fails_a_rate_limit_the_binding_cannot_count(render_root: Path, tmp_path: Path, broken: str) -> None:
    project = with_owner(copy_project(rendered("workers-edge-redirect", render_root), tmp_path / "p"))
    config = project / "wrangler.jsonc"
    field, value = broken.split()
    config.write_text(re.sub(rf'"{field}": \d+', f'"{field}": {value}', config.read_text(), count=1))
    reason = failed_row(project, RATE_LIMIT_ROW)
    assert reason.startswith(f'wrangler.jsonc:{line_of(config, chr(34) + "simple" + chr(34))} the Worker: RATE_LIMITER needs "simple"')


def test_check_fails_an_http_api_without_stage_throttling_and_names_the_line(render_root: Path, tmp_path: Path) -> None:
    project = with_owner(copy_project(rendered("lambda-json-api-public-cors", render_root), tmp_path / "p"))
    template = project / "template.yaml"
    template.write_text(template.read_text().replace("        ThrottlingBurstLimit: 50\n", "", 1))
    reason = failed_row(project, RATE_LIMIT_ROW)
    line = line_of(template, "DefaultRouteSettings:")
    assert reason == f"template.yaml:{line} HttpApi has no stage throttling (DefaultRouteSettings ThrottlingBurstLimit and ThrottlingRateLimit), so none of its routes is limited"


def test_check_fails_a_route_on_sams_implicit_api(render_root: Path, tmp_path: Path) -> None:
    project = with_owner(copy_project(rendered("lambda-webhook-standard", render_root), tmp_path / "p"))
    template = project / "template.yaml"
    # Without ApiId, SAM puts the event on an implicit API that has no throttling.
    text = template.read_text()
    event = text.index("Type: HttpApi", text.index("Events:"))
    api_id = text.index("            ApiId: !Ref HttpApi\n", event)
    template.write_text(text[:api_id] + text[api_id:].replace("            ApiId: !Ref HttpApi\n", "", 1))
    reason = failed_row(project, RATE_LIMIT_ROW)
    assert re.fullmatch(r"template\.yaml:\d+ event \w+ of Function is on SAM's implicit API, which has no throttling; set ApiId to an API with DefaultRouteSettings", reason), reason


def test_check_fails_a_public_function_url_without_reserved_concurrency(render_root: Path, tmp_path: Path) -> None:
    project = with_owner(copy_project(rendered("lambda-json-api-function-url-public", render_root), tmp_path / "p"))
    template = project / "template.yaml"
    template.write_text(re.sub(r"^ *ReservedConcurrentExecutions: .*\n", "", template.read_text(), flags=re.MULTILINE))
    reason = failed_row(project, RATE_LIMIT_ROW)
    line = line_of(template, "FunctionUrlConfig:")
    assert reason == (
        f"template.yaml:{line} Function's function URL is public (AuthType NONE, auth none), has no gateway to throttle it, "
        "and the function sets no ReservedConcurrentExecutions; answer reserved_concurrency"
    )

@pytest.mark.parametrize(
    "relative, content, expected",
    [
        ("events/leak.json", '{"key": "AKIA' + '2E0A8F3B244C9986"}\n', "events/leak.json:1 AWS access key id"),
        ("src/lib/secret.mjs", "\n\nexport const s = 'whsec_" + "MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';\n", "src/lib/secret.mjs:3 webhook signing secret"),
        (".env", "TOKEN=1\n", ".env is a local secrets file and must not be tracked"),
        ("deploy.pem", "x\n", "deploy.pem looks like key material"),
    ],
    ids=["aws-key-in-fixture", "whsec-in-source", "tracked-env", "pem-file"],
)
def test_check_finds_secrets_in_tracked_files(render_root: Path, tmp_path: Path, relative: str, content: str, expected: str) -> None:
    project = with_owner(copy_project(rendered("lambda-json-api-iam", render_root), tmp_path / "p"))
    subprocess.run(["git", "init", "-q"], cwd=project, check=True)
    (project / relative).write_text(content)
    subprocess.run(["git", "add", "-A", "-f"], cwd=project, check=True)
    result = check(project, "--skip-tests")
    mark, reason = rows_of(result.stdout)["Config vs secrets: no secret-looking strings in tracked files"]
    assert result.returncode == 1 and mark == "✗"
    assert expected in reason
    assert "MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw" not in result.stdout


def test_check_scans_only_tracked_files_in_a_git_repository(render_root: Path, tmp_path: Path) -> None:
    project = with_owner(copy_project(rendered("lambda-json-api-iam", render_root), tmp_path / "p"))
    subprocess.run(["git", "init", "-q"], cwd=project, check=True)
    subprocess.run(["git", "add", "-A"], cwd=project, check=True)
    (project / ".env").write_text("AWS_ACCESS_KEY_ID=AKIA" + "2E0A8F3B244C9986\n")  # ignored by .gitignore, never tracked
    result = check(project, "--skip-tests")
    assert result.returncode == 0, result.stdout
    assert "tracked files scanned" in result.stdout


def test_check_fails_an_expired_public_endpoint(render_root: Path, tmp_path: Path) -> None:
    project = with_owner(copy_project(rendered("lambda-json-api-public-cors", render_root), tmp_path / "p"))
    answers = project / ".copier-answers.yml"
    answers.write_text(re.sub(r"public_until: .*", "public_until: '2020-01-31'", answers.read_text()))
    reason = failed_row(project, "Auth, CORS and rate limits: public endpoint has an owner and a review date")
    assert "2020-01-31 has passed" in reason


def test_check_fails_a_log_group_without_retention(render_root: Path, tmp_path: Path) -> None:
    project = with_owner(copy_project(rendered("lambda-json-api-iam", render_root), tmp_path / "p"))
    template = project / "template.yaml"
    template.write_text(re.sub(r"^\s*RetentionInDays: \d+\n", "", template.read_text(), count=1, flags=re.MULTILINE))
    reason = failed_row(project, "Observability and log retention: retention set")
    assert "have no RetentionInDays" in reason


def test_check_fails_workers_without_observability(render_root: Path, tmp_path: Path) -> None:
    project = with_owner(copy_project(rendered("workers-json-api-durable-object", render_root), tmp_path / "p"))
    config = project / "wrangler.jsonc"
    config.write_text(config.read_text().replace('"enabled": true', '"enabled": false'))
    failed_row(project, "Observability and log retention: retention set")


def test_check_says_config_validation_was_not_run_without_a_validator(render_root: Path, tmp_path: Path) -> None:
    project = with_owner(copy_project(rendered("lambda-json-api-iam", render_root), tmp_path / "p"))
    result = check(project, "--skip-tests")
    mark, reason = rows_of(result.stdout)["Runtime pinned: config validates"]
    assert mark == "–" and "neither cfn-lint nor sam is installed" in reason
    assert result.returncode == 0, result.stdout


@pytest.mark.slow
def test_check_validates_the_sam_template_with_cfn_lint_when_installed(render_root: Path, tmp_path: Path) -> None:
    project = with_owner(copy_project(rendered("lambda-json-api-iam", render_root), tmp_path / "p"))
    with_lint = os.pathsep.join([VENV_BIN, TOOLS_PATH])
    result = check(project, "--skip-tests", path=with_lint)
    assert rows_of(result.stdout)["Runtime pinned: config validates"] == ("✓", "cfn-lint template.yaml: no findings"), result.stdout
    template = project / "template.yaml"
    template.write_text(re.sub(r"MemorySize: \d+", "MemorySize: 99999", template.read_text()))
    result = check(project, "--skip-tests", path=with_lint)
    mark, reason = rows_of(result.stdout)["Runtime pinned: config validates"]
    assert result.returncode == 1 and mark == "✗" and reason.startswith("cfn-lint:")


def test_check_fails_when_dependencies_are_not_installed(render_root: Path, tmp_path: Path) -> None:
    project = with_owner(copy_project(rendered("lambda-json-api-iam", render_root), tmp_path / "p"))
    result = check(project)
    mark, reason = rows_of(result.stdout)["Local proof: tests pass"]
    assert result.returncode == 1 and mark == "✗" and "npm install" in reason


@pytest.mark.slow
@pytest.mark.parametrize("name", ["lambda-json-api-iam", "workers-json-api-durable-object"])
def test_check_runs_the_tests_and_config_validation_for_real(render_root: Path, tmp_path: Path, name: str) -> None:
    project = with_owner(copy_project(rendered(name, render_root), tmp_path / "p"))
    install_node_modules(project)
    result = check(project)
    rows = rows_of(result.stdout)
    assert rows["Local proof: tests pass"] == ("✓", "`npm test` passed"), result.stdout
    if name.startswith("workers"):
        assert rows["Runtime pinned: config validates"] == ("✓", "`wrangler deploy --dry-run` passed"), result.stdout
    assert result.returncode == 0, result.stdout
    # A failing test turns the row red.
    test_dir = project / "test"
    broken = test_dir / ("unit/zz-broken.test.mjs" if name.startswith("lambda") else "zz-broken.test.mjs")
    broken.write_text(
        "import { test } from 'node:test';\nimport assert from 'node:assert/strict';\ntest('broken', () => assert.equal(1, 2));\n"
        if name.startswith("lambda")
        else "import { test, expect } from 'vitest';\ntest('broken', () => expect(1).toBe(2));\n"
    )
    result = check(project)
    assert rows_of(result.stdout)["Local proof: tests pass"][0] == "✗"
    assert result.returncode == 1
