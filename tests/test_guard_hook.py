"""The generated PreToolUse guard hook, fed the JSON Claude Code pipes into it.

Exit 2 blocks the tool call and shows stderr to Claude; exit 0 lets the normal
permission rules decide.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.support.claude_code import copy_project, hook_input, rendered, run_hook
from tests.support.node import install_node_modules

pytestmark = pytest.mark.xdist_group("claude_code")

DEPLOY_COMMANDS_LAMBDA = [
    "sam deploy --config-env dev",
    "npm run deploy:dev",
    "sam sync --stack-name orders-api-dev --watch",
    "aws lambda update-function-code --function-name orders-api --zip-file fileb://x.zip",
    "npm test && sam deploy",
]
DEPLOY_COMMANDS_WORKERS = ["npx wrangler deploy", "wrangler deploy --env production", "npm run deploy", "npx wrangler versions deploy"]
HARMLESS_COMMANDS = ["npm test", "npm run invoke -- events/post-order.json", "git status", "npx wrangler deploy --dry-run --outdir dist", "npm run check"]


@pytest.fixture(scope="module")
def render_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("guard-hook-renders")


@pytest.fixture(scope="module")
def lambda_project(render_root: Path) -> Path:
    """The default answers: the owner is still the you@example.com placeholder."""
    return rendered("lambda-json-api-iam", render_root)


@pytest.fixture(scope="module")
def workers_project(render_root: Path) -> Path:
    return rendered("workers-json-api-durable-object", render_root)


def bash(project: Path, command: str) -> dict:
    return hook_input(project, "Bash", {"command": command, "description": "run a command"})


@pytest.mark.parametrize("command", DEPLOY_COMMANDS_LAMBDA)
def test_deploy_is_blocked_while_the_checklist_fails(lambda_project: Path, command: str) -> None:
    result = run_hook(lambda_project, bash(lambda_project, command))
    assert result.returncode == 2
    assert "Deploy blocked" in result.stderr
    assert "✗ Requirements and owner: owner set" in result.stderr
    assert "you@example.com" in result.stderr


@pytest.mark.parametrize("command", DEPLOY_COMMANDS_WORKERS)
def test_workers_deploy_is_blocked_while_the_checklist_fails(workers_project: Path, command: str) -> None:
    result = run_hook(workers_project, bash(workers_project, command))
    assert result.returncode == 2
    assert "✗ Requirements and owner" in result.stderr


@pytest.mark.parametrize("command", HARMLESS_COMMANDS)
def test_local_commands_pass_without_running_the_checklist(lambda_project: Path, command: str) -> None:
    result = run_hook(lambda_project, bash(lambda_project, command), timeout=20)
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""


SECRET_AWS_KEY = "AKIA" + "2E0A8F3B244C9986"
SECRET_WEBHOOK = "whsec_" + "MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
PRIVATE_KEY = "-----BEGIN " + "RSA PRIVATE KEY-----\nMIIEpAIBAAKCAQEA\n-----END RSA PRIVATE KEY-----"


@pytest.mark.parametrize(
    "tool, tool_input, kind",
    [
        ("Write", {"file_path": "events/leaked.json", "content": json.dumps({"headers": {"x-aws-key": SECRET_AWS_KEY}})}, "AWS access key id"),
        ("Edit", {"file_path": "src/config.mjs", "old_string": "export", "new_string": f"const secret = '{SECRET_WEBHOOK}';\nexport"}, "whsec_"),
        ("MultiEdit", {"file_path": "test/unit/x.test.mjs", "edits": [{"old_string": "a", "new_string": "b"}, {"old_string": "c", "new_string": PRIVATE_KEY}]}, "private key"),
        ("Bash", {"command": f"echo {SECRET_AWS_KEY} > events/key.txt"}, "AWS access key id"),
    ],
    ids=["write-fixture", "edit-source", "multiedit-test", "bash-echo"],
)
def test_secret_looking_writes_are_blocked(lambda_project: Path, tool: str, tool_input: dict, kind: str) -> None:
    tool_input = {**tool_input}
    if "file_path" in tool_input:
        tool_input["file_path"] = str(lambda_project / tool_input["file_path"])
    result = run_hook(lambda_project, hook_input(lambda_project, tool, tool_input), timeout=20)
    assert result.returncode == 2
    assert kind in result.stderr
    # The reason names the kind and a short preview, never the whole value.
    assert SECRET_AWS_KEY not in result.stderr and SECRET_WEBHOOK not in result.stderr


@pytest.mark.parametrize(
    "tool, tool_input",
    [
        ("Write", {"file_path": "events/example-key.json", "content": json.dumps({"accessKeyId": "AKIAIOSFODNN7EXAMPLE"})}),
        ("Write", {"file_path": "test/unit/webhook.test.mjs", "content": "const secret = 'whsec_test_only_not_a_real_secret_1234';"}),
        ("Write", {"file_path": ".dev.vars", "content": f"WEBHOOK_SECRET={SECRET_WEBHOOK}\n"}),
        ("Write", {"file_path": ".env.local", "content": f"AWS_ACCESS_KEY_ID={SECRET_AWS_KEY}\n"}),
        ("Edit", {"file_path": "src/handler.mjs", "old_string": "a", "new_string": "const ttl = 24 * 3600;"}),
    ],
    ids=["aws-example-key", "fake-webhook-secret", "dev-vars", "env-local", "ordinary-edit"],
)
def test_fake_values_ordinary_edits_and_local_secret_files_pass(lambda_project: Path, tool: str, tool_input: dict) -> None:
    tool_input = {**tool_input, "file_path": str(lambda_project / tool_input["file_path"])}
    result = run_hook(lambda_project, hook_input(lambda_project, tool, tool_input), timeout=20)
    assert result.returncode == 0, result.stderr


def test_unreadable_hook_input_is_refused(lambda_project: Path) -> None:
    result = run_hook(lambda_project, "not json", timeout=20)
    assert result.returncode == 2
    assert "could not parse" in result.stderr


def test_deploy_is_blocked_when_the_checker_is_missing(lambda_project: Path, tmp_path: Path) -> None:
    project = copy_project(lambda_project, tmp_path / "project")
    (project / "scripts" / "check.mjs").unlink()
    result = run_hook(project, bash(project, "sam deploy"), timeout=20)
    assert result.returncode == 2
    assert "scripts/check.mjs is missing" in result.stderr


@pytest.mark.slow
def test_deploy_passes_to_the_permission_prompt_once_the_checklist_holds(render_root: Path, tmp_path: Path) -> None:
    """With a real owner and passing tests the hook steps aside; settings.json still asks."""
    project = copy_project(rendered("lambda-json-api-iam", render_root), tmp_path / "project")
    answers = project / ".copier-answers.yml"
    answers.write_text(answers.read_text().replace("owner: you@example.com", "owner: payments-team@acme.test"))
    install_node_modules(project)
    result = run_hook(project, bash(project, "sam deploy --config-env dev"))
    assert result.returncode == 0, result.stderr
    settings = json.loads((project / ".claude" / "settings.json").read_text())
    assert "Bash(sam deploy *)" in settings["permissions"]["ask"]
