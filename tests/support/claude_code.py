"""Answer sets and helpers for the Claude Code files, the guard hook and the checklist.

The answer sets (tests/support/matrix.py, CLAUDE_CODE_SETS) cover every branch the
prompts, settings and checklist take: both platforms, every use case, every store,
every auth, public endpoints, MCP and CI on and off. Each set is rendered once per test
session (``rendered``), because many tests only read the result.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.support.node import NODE_DIR
from tests.support.matrix import CLAUDE_CODE_SETS
from tests.support.render import render
from tests.support.timings import timed

#: The named answer sets of tests/support/matrix.py, each rendered once per session.
ALL_ANSWER_SETS = CLAUDE_CODE_SETS

CLAUDE_FILES = (
    "CLAUDE.md",
    "AGENTS.md",
    "DEPLOY_CHECKLIST.md",
    "prompts/requirements.md",
    "prompts/review.md",
    "prompts/deploy-review.md",
    ".claude/settings.json",
    ".claude/skills/requirements/SKILL.md",
    ".claude/skills/new-fixture/SKILL.md",
    ".claude/skills/checklist-review/SKILL.md",
    ".claude/skills/deploy-check/SKILL.md",
    ".claude/skills/read-logs/SKILL.md",
    ".claude/skills/cold-start/SKILL.md",
    ".claude/rules/handler-contracts.md",
    ".claude/rules/iac.md",
    ".claude/rules/template-owned.md",
    ".claude/rules/fake-data.md",
    ".claude/agents/serverless-reviewer.md",
    ".claude/hooks/guard.mjs",
    ".claude/hooks/validate-config.mjs",
    ".claude/hooks/stop-tests.mjs",
    "scripts/check.mjs",
    "scripts/lib/secret-patterns.mjs",
)

#: The skill that extends each use case's contract, where there is one.
USE_CASE_SKILLS = {"json_api": "add-route", "webhook": "add-event-type", "queue_consumer": "add-message-type"}

#: node, npm and git only: a machine without cfn-lint or sam, like most laptops, so
#: the checklist's "config validates" row is "not checked" unless a test adds a linter.
#: The generated repos' node (22+, see tests/support/node.py) comes first.
TOOLS_PATH = os.pathsep.join(
    dict.fromkeys(
        [str(NODE_DIR)]
        + [str(folder) for tool in ("npm", "git") if (found := shutil.which(tool)) for folder in (Path(found).parent, Path(found).resolve().parent)]
    )
)

_RENDERED: dict[str, Path | Exception] = {}


def rendered(name: str, root: Path) -> Path:
    """The project for answer set ``name``, rendered once per session under ``root``."""
    if name not in _RENDERED:
        try:
            _RENDERED[name] = render(root / name, **ALL_ANSWER_SETS[name])
        except Exception as error:  # remembered, so a broken render is reported, not retried
            _RENDERED[name] = error
    result = _RENDERED[name]
    if isinstance(result, Exception):
        raise result
    return result


@pytest.fixture(scope="session")
def render_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where ``rendered`` puts the answer sets: one folder a session, like its cache."""
    return tmp_path_factory.mktemp("claude-code-renders")


@pytest.fixture(params=sorted(ALL_ANSWER_SETS))
def project(request: pytest.FixtureRequest, render_root: Path) -> Path:
    """Each answer set's render, shared: a test that changes it works on a copy_project."""
    return rendered(request.param, render_root)


def answers_of(project: Path) -> dict[str, Any]:
    return yaml.safe_load((project / ".copier-answers.yml").read_text())


def code_ext(project: Path) -> str:
    """The extension of the repo's own code: `ts` in a TypeScript repo, else `mjs`."""
    return "ts" if answers_of(project).get("language") == "typescript" else "mjs"


def front_matter(path: Path) -> tuple[dict[str, Any], str, str]:
    """(parsed YAML front matter, its raw text, the body) of a command or agent file."""
    text = path.read_text()
    match = re.match(r"\A---\n(.*?)\n---\n(.*)\Z", text, re.DOTALL)
    assert match, f"{path} does not start with a --- front matter block"
    data = yaml.safe_load(match.group(1))
    assert isinstance(data, dict), f"{path} front matter is not a mapping"
    return data, match.group(1), match.group(2)


def hook_command(project: Path, event: str = "PreToolUse") -> str:
    """The command of one hook event exactly as the project's .claude/settings.json names it."""
    settings = json.loads((project / ".claude" / "settings.json").read_text())
    return settings["hooks"][event][0]["hooks"][0]["command"]


def run_hook(
    project: Path, payload: dict[str, Any] | str, timeout: int = 300, event: str = "PreToolUse", path: str = TOOLS_PATH
) -> subprocess.CompletedProcess[str]:
    """Pipe one hook input into the hook the way Claude Code does: the settings' command
    through a shell, CLAUDE_PROJECT_DIR set, the JSON on stdin (PreToolUse by default)."""
    stdin = payload if isinstance(payload, str) else json.dumps(payload)
    with timed(f"Claude Code {event} hook"):
        return subprocess.run(
            ["sh", "-c", hook_command(project, event)],
            input=stdin,
            capture_output=True,
            text=True,
            cwd=project,
            env={**os.environ, "PATH": path, "CLAUDE_PROJECT_DIR": str(project)},
            timeout=timeout,
        )


def asks_a_person(result: subprocess.CompletedProcess[str]) -> bool:
    """Exit 0 with PreToolUse JSON that makes Claude Code ask for confirmation."""
    if result.returncode != 0 or not result.stdout.strip():
        return False
    output = json.loads(result.stdout)["hookSpecificOutput"]
    return output["hookEventName"] == "PreToolUse" and output["permissionDecision"] == "ask" and bool(output["permissionDecisionReason"])


def with_guard_parser(project: Path) -> Path:
    """Give ``project`` a node_modules holding only the guard's shell parser (as pinned in
    its package.json), installed once into the shared cache; the checklist then finds no
    Wrangler or test tools, as on a machine before the first full install."""
    from tests.support.node import CACHE_ROOT, install_node_modules

    name = "@vscode/tree-sitter-wasm"
    version = json.loads((project / "package.json").read_text())["devDependencies"][name]
    staging = CACHE_ROOT / "guard-parser" / version
    staging.mkdir(parents=True, exist_ok=True)
    (staging / "package.json").write_text(json.dumps({"private": True, "devDependencies": {name: version}}))
    if not (staging / "node_modules" / name).is_dir():
        install_node_modules(staging)
    target = project / "node_modules"
    if target.exists():
        shutil.rmtree(target)
    subprocess.run(["cp", "-al", str(staging / "node_modules"), str(target)], check=True)
    return project


def _common_input(project: Path, event: str) -> dict[str, Any]:
    """The fields every hook input has (code.claude.com/docs/en/hooks, "Common input fields")."""
    return {
        "session_id": "2b9a6c1e-test-session",
        "transcript_path": str(project / ".claude" / "transcript.jsonl"),
        "cwd": str(project),
        "permission_mode": "default",
        "hook_event_name": event,
    }


def hook_input(project: Path, tool_name: str, tool_input: dict[str, Any]) -> dict[str, Any]:
    """A PreToolUse input in the shape Claude Code sends (common fields + the tool's)."""
    return {**_common_input(project, "PreToolUse"), "tool_name": tool_name, "tool_input": tool_input}


def post_tool_use_input(project: Path, tool_name: str, tool_input: dict[str, Any]) -> dict[str, Any]:
    """A PostToolUse input as Claude Code sends it after a successful Write or Edit
    (code.claude.com/docs/en/hooks, "PostToolUse input")."""
    response = {"filePath": tool_input.get("file_path", ""), "success": True}
    return {
        **hook_input(project, tool_name, tool_input),
        "hook_event_name": "PostToolUse",
        "tool_response": response,
        "tool_use_id": "toolu_01TestPostToolUse",
        "duration_ms": 12,
    }


def stop_input(project: Path, stop_hook_active: bool) -> dict[str, Any]:
    """A Stop input as Claude Code sends it when the main agent finishes its turn
    (code.claude.com/docs/en/hooks, "Stop input")."""
    return {
        **_common_input(project, "Stop"),
        "stop_hook_active": stop_hook_active,
        "last_assistant_message": "I changed the handler; the tests should pass now.",
        "background_tasks": [],
        "session_crons": [],
    }


def copy_project(source: Path, destination: Path) -> Path:
    """A private copy of a shared rendered project, for tests that change files."""
    shutil.copytree(source, destination, ignore=shutil.ignore_patterns("node_modules"))
    return destination
