"""The generated PostToolUse and Stop hooks, fed the JSON Claude Code sends.

Each case pipes the documented hook input (code.claude.com/docs/en/hooks: "PostToolUse
input", "Stop input") into the command that .claude/settings.json names, through a shell
with CLAUDE_PROJECT_DIR set, as Claude Code runs it. Feedback comes back the documented
way: `{"decision": "block", "reason": …}` on stdout (exit 0), or additionalContext.

- PostToolUse after Write/Edit of the deploy config runs the real validator (cfn-lint from
  this suite's pinned environment; Wrangler's shipped schema with the pinned ajv) and
  reports a broken template.yaml or wrangler.jsonc; a valid one and other files stay silent.
- Stop runs `npm run test:unit`: a failing test blocks the stop, a green one passes,
  `stop_hook_active: true` passes at once, and an unchanged tree skips the run.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
from pathlib import Path

import pytest

from tests.support.claude_code import TOOLS_PATH, copy_project, post_tool_use_input, rendered, run_hook, stop_input
from tests.support.claude_code import render_root  # noqa: F401 (a fixture)
from tests.support.git_history import git, use_git_identity
from tests.support.node import install_node_modules

pytestmark = pytest.mark.xdist_group("claude_code")

LAMBDA = "lambda-json-api-iam"
WORKERS = "workers-json-api-durable-object"
#: node, npm and git, plus the cfn-lint this suite pins (requirements/test.txt).
WITH_CFN_LINT = os.pathsep.join([str(Path(sys.executable).parent), TOOLS_PATH])



@pytest.fixture(autouse=True)
def _git_identity(monkeypatch: pytest.MonkeyPatch) -> None:
    use_git_identity(monkeypatch)


def project_copy(render_root: Path, tmp_path: Path, name: str, install: bool = False) -> Path:
    project = copy_project(rendered(name, render_root), tmp_path / "project")
    if install:
        install_node_modules(project)
    return project


def edit_input(project: Path, file: str, old: str, new: str) -> dict:
    """Apply an Edit to the file the way Claude's Edit tool does, and return its PostToolUse input."""
    path = project / file
    text = path.read_text()
    assert old in text, f"{file} no longer holds {old!r}; update this test"
    path.write_text(text.replace(old, new, 1))
    return post_tool_use_input(project, "Edit", {"file_path": str(path), "old_string": old, "new_string": new, "replace_all": False})


def feedback(result) -> dict:
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout) if result.stdout.strip() else {}


# ------------------------------------------------------------- PostToolUse --


def test_a_broken_template_yaml_is_reported_to_claude(render_root: Path, tmp_path: Path) -> None:
    project = project_copy(render_root, tmp_path, LAMBDA)
    payload = edit_input(project, "template.yaml", "MemorySize: 256", "MemorySize: 99999\n      Timout: 10")
    output = feedback(run_hook(project, payload, event="PostToolUse", path=WITH_CFN_LINT))
    assert output["decision"] == "block"
    assert "template.yaml no longer validates (cfn-lint)" in output["reason"]
    assert "99999" in output["reason"] and "'Timout' was unexpected" in output["reason"], output["reason"]


def test_a_valid_template_yaml_and_other_files_stay_silent(render_root: Path, tmp_path: Path) -> None:
    project = project_copy(render_root, tmp_path, LAMBDA)
    payload = edit_input(project, "template.yaml", "MemorySize: 256", "MemorySize: 512")
    assert feedback(run_hook(project, payload, event="PostToolUse", path=WITH_CFN_LINT)) == {}
    # Another file returns before any validator starts: a cfn-lint that would fail is never run.
    fake_bin = tmp_path / "fake-bin"
    fake_bin.mkdir()
    (fake_bin / "cfn-lint").write_text(f"#!/bin/sh\ntouch {tmp_path / 'cfn-lint-ran'}\necho E0000 always fails; exit 2\n")
    (fake_bin / "cfn-lint").chmod(0o755)
    other = edit_input(project, "src/orders.mjs", "status: 'accepted'", "status: 'accepted' ")
    assert feedback(run_hook(project, other, event="PostToolUse", path=f"{fake_bin}{os.pathsep}{TOOLS_PATH}")) == {}
    assert not (tmp_path / "cfn-lint-ran").exists()
    written = post_tool_use_input(project, "Write", {"file_path": str(project / "template.yaml"), "content": (project / "template.yaml").read_text()})
    assert feedback(run_hook(project, written, event="PostToolUse", path=f"{fake_bin}{os.pathsep}{TOOLS_PATH}"))["decision"] == "block"
    assert (tmp_path / "cfn-lint-ran").exists(), "a Write of template.yaml runs the validator too"


def test_without_a_validator_claude_is_told_the_template_was_not_checked(render_root: Path, tmp_path: Path) -> None:
    project = project_copy(render_root, tmp_path, LAMBDA)
    payload = edit_input(project, "template.yaml", "MemorySize: 256", "MemorySize: 99999")
    output = feedback(run_hook(project, payload, event="PostToolUse"))
    assert "decision" not in output
    context = output["hookSpecificOutput"]
    assert context["hookEventName"] == "PostToolUse" and "template.yaml was not validated" in context["additionalContext"]
    assert "cfn-lint" in context["additionalContext"]


@pytest.fixture(scope="module")
def workers_project(render_root: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A Workers render with its pinned dev dependencies (Wrangler's schema, ajv, jsonc-parser)."""
    project = copy_project(rendered(WORKERS, render_root), tmp_path_factory.mktemp("workers-hooks") / "project")
    install_node_modules(project)
    return project


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ('"main": "src/index.mjs"', '"mian": "src/index.mjs"', '(top level): must NOT have additional properties "mian"'),
        ('"workers_dev": true', '"workers_dev": "yes"', "/workers_dev: must be boolean"),
        ('"upload_source_maps": true\n', '"upload_source_maps": true\n  "name": "again"\n', "CommaExpected"),
    ],
    ids=["unknown-field", "wrong-type", "broken-jsonc"],
)
def test_a_broken_wrangler_jsonc_is_reported_to_claude(workers_project: Path, old: str, new: str, expected: str) -> None:
    config = workers_project / "wrangler.jsonc"
    original = config.read_text()
    try:
        payload = edit_input(workers_project, "wrangler.jsonc", old, new)
        output = feedback(run_hook(workers_project, payload, event="PostToolUse"))
    finally:
        config.write_text(original)
    assert output["decision"] == "block"
    assert "wrangler.jsonc no longer validates" in output["reason"]
    assert expected in output["reason"], output["reason"]


def test_a_valid_wrangler_jsonc_stays_silent(workers_project: Path) -> None:
    config = workers_project / "wrangler.jsonc"
    original = config.read_text()
    try:
        payload = edit_input(workers_project, "wrangler.jsonc", '"head_sampling_rate": 1', '"head_sampling_rate": 0.5')
        assert feedback(run_hook(workers_project, payload, event="PostToolUse")) == {}
    finally:
        config.write_text(original)


def test_before_npm_install_claude_is_told_wrangler_jsonc_was_not_checked(render_root: Path, tmp_path: Path) -> None:
    project = project_copy(render_root, tmp_path, WORKERS)
    payload = edit_input(project, "wrangler.jsonc", '"main"', '"mian"')
    context = feedback(run_hook(project, payload, event="PostToolUse"))["hookSpecificOutput"]["additionalContext"]
    assert "wrangler.jsonc was not validated" in context and "npm install" in context


@pytest.mark.parametrize("event", ["PostToolUse", "Stop"])
def test_malformed_input_is_a_non_blocking_error(render_root: Path, event: str) -> None:
    project = rendered(LAMBDA, render_root)
    for payload in ("not json", "[1, 2]", ""):
        result = run_hook(project, payload, event=event)
        assert result.returncode == 1 and not result.stdout, (payload, result.stdout)
        assert "hook: its input is not" in result.stderr


# -------------------------------------------------------------------- Stop --


@pytest.fixture(scope="module")
def lambda_repo(render_root: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A Lambda render with its dev dependencies, committed as its owner would."""
    with pytest.MonkeyPatch.context() as monkeypatch:
        use_git_identity(monkeypatch)
        project = copy_project(rendered(LAMBDA, render_root), tmp_path_factory.mktemp("stop-hook") / "project")
        git(project, "init", "--quiet", "--initial-branch=main")
        git(project, "add", "--all")
        git(project, "commit", "--quiet", "-m", "Start from copier-serverless")
        install_node_modules(project)
    return project


@pytest.fixture
def repo(lambda_repo: Path, tmp_path: Path) -> Path:
    project = tmp_path / "repo"
    shutil.copytree(lambda_repo, project, symlinks=True, ignore=shutil.ignore_patterns("node_modules"))
    install_node_modules(project)
    return project


BREAK_ORDERS = ("status: 'accepted'", "status: 'queued'")


def break_a_unit_test(project: Path) -> None:
    orders = project / "src" / "orders.mjs"
    orders.write_text(orders.read_text().replace(*BREAK_ORDERS))


def test_a_failing_unit_test_blocks_the_stop(repo: Path) -> None:
    break_a_unit_test(repo)
    output = feedback(run_hook(repo, stop_input(repo, stop_hook_active=False), event="Stop"))
    assert output["decision"] == "block"
    assert output["reason"].startswith("`npm run test:unit` exits 1")
    assert "queued" in output["reason"] or "accepted" in output["reason"], output["reason"][-2000:]


def test_stop_hook_active_lets_claude_stop_even_while_tests_fail(repo: Path) -> None:
    break_a_unit_test(repo)
    result = run_hook(repo, stop_input(repo, stop_hook_active=True), event="Stop")
    assert result.returncode == 0 and result.stdout == "", "a second block could loop"


def test_green_unit_tests_let_claude_stop(repo: Path) -> None:
    orders = repo / "src" / "orders.mjs"
    orders.write_text(orders.read_text() + "\n// A change that keeps the behaviour.\n")
    result = run_hook(repo, stop_input(repo, stop_hook_active=False), event="Stop")
    assert result.returncode == 0 and result.stdout == "", result.stdout[-2000:]


def test_an_unchanged_tree_stops_without_running_the_tests(repo: Path) -> None:
    break_a_unit_test(repo)
    git(repo, "add", "--all")
    git(repo, "commit", "--quiet", "-m", "A broken commit the session did not make")
    (repo / "NOTES.md").write_text("Markdown only: nothing for the unit tests to prove.\n")
    result = run_hook(repo, stop_input(repo, stop_hook_active=False), event="Stop")
    assert result.returncode == 0 and result.stdout == ""
    (repo / "NOTES.mjs").write_text("// now a file the tests could depend on\n")
    assert feedback(run_hook(repo, stop_input(repo, stop_hook_active=False), event="Stop"))["decision"] == "block"


def test_without_git_the_tests_always_run(render_root: Path, tmp_path: Path) -> None:
    project = project_copy(render_root, tmp_path, LAMBDA, install=True)
    break_a_unit_test(project)
    assert feedback(run_hook(project, stop_input(project, stop_hook_active=False), event="Stop"))["decision"] == "block"


@pytest.mark.slow
def test_workers_unit_tests_block_the_stop_while_they_fail(workers_project: Path) -> None:
    """On Workers `npm run test:unit` is Vitest in workerd without the fuzz properties."""
    orders = workers_project / "src" / "orders.mjs"
    original = orders.read_text()
    try:
        assert run_hook(workers_project, stop_input(workers_project, stop_hook_active=False), event="Stop").stdout == ""
        orders.write_text(original.replace(*BREAK_ORDERS))
        output = feedback(run_hook(workers_project, stop_input(workers_project, stop_hook_active=False), event="Stop"))
    finally:
        orders.write_text(original)
    assert output["decision"] == "block" and "npm run test:unit" in output["reason"]
