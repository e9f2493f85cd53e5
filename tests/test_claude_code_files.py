"""The Claude Code files of a generated repo: CLAUDE.md, prompts, commands, agent,
settings, MCP config, CI workflows and the headless npm scripts.

Every test runs against each answer set in ``tests.support.claude_code`` so the
answer-specific branches are all exercised.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest
import yaml

from hooks import claude_policy
from tests.support.claude_code import ALL_ANSWER_SETS, CLAUDE_FILES, answers_of, front_matter, rendered
from tests.support.node import install_node_modules, run
from tests.support.render import TEMPLATE_ROOT

pytestmark = pytest.mark.xdist_group("claude_code")

ANSWER_SET_NAMES = sorted(ALL_ANSWER_SETS)
COMMAND_KEYS = {"description", "argument-hint", "allowed-tools", "model", "disable-model-invocation"}
AGENT_KEYS = {"name", "description", "tools", "model", "color"}
READ_ONLY_TOOLS = {"Read", "Grep", "Glob"}
#: git reads with no wildcard: `git diff --output=…` writes and `--no-index` reads any file.
SAFE_GIT_TOOLS = {f"Bash({command})" for command in claude_policy.SAFE_GIT_READS}
TYPE_CHECK_PACKAGE = Path(__file__).parent / "claude_settings_types" / "package.json"


@pytest.fixture(scope="session")
def render_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("claude-code-renders")


@pytest.fixture(params=ANSWER_SET_NAMES)
def project(request: pytest.FixtureRequest, render_root: Path) -> Path:
    return rendered(request.param, render_root)


# ------------------------------------------------------------------ CLAUDE.md --


def test_claude_md_is_short_and_names_owner_commands_and_human_gates(project: Path) -> None:
    text = (project / "CLAUDE.md").read_text()
    answers = answers_of(project)
    assert len(text.splitlines()) < 200
    assert answers["owner"] in text
    for command in ("npm test", "npm run invoke -- events/", "npm run check"):
        assert command in text
    deploy = "npm run deploy:dev" if answers["platform"] == "lambda" else "npm run deploy"
    assert f"`{deploy}`" in text
    for section in ("## Invariants", "## Always needs a human", "## Layout", "## Commands"):
        assert section in text
    for gate in ("IAM" if answers["platform"] == "lambda" else "bindings", "public", "billable", "secrets", "deleting"):
        assert gate in text


def test_claude_md_imports_only_files_that_exist(project: Path) -> None:
    imports = re.findall(r"^@(\S+)$", (project / "CLAUDE.md").read_text(), re.MULTILINE)
    assert imports, "CLAUDE.md imports its longer material with @path lines"
    for imported in imports:
        assert (project / imported).is_file(), f"CLAUDE.md imports missing {imported}"


def test_claude_md_event_fixture_exists(project: Path) -> None:
    fixture = re.search(r"npm run invoke -- (events/\S+?\.json)", (project / "CLAUDE.md").read_text())
    assert fixture
    if (project / "events").is_dir():
        assert (project / fixture.group(1)).is_file(), f"{fixture.group(1)} is named in CLAUDE.md but not rendered"


# ------------------------------------------------------------------- prompts --


def test_prompts_carry_answer_specific_facts(project: Path) -> None:
    answers = answers_of(project)
    prompts = {name: (project / "prompts" / name).read_text() for name in ("requirements.md", "review.md", "deploy-review.md")}
    expected: list[str] = [answers["owner"]]
    if answers["use_case"] == "json_api":
        expected += ["`POST /orders`", "`GET /health`"]
    if answers["use_case"] == "webhook":
        expected += ["`POST /webhook`", answers["signature_scheme"].replace("_", " ")]
    store = answers.get("idempotency_store")
    if answers["use_case"] != "edge_redirect":
        expected.append({"dynamodb": "DynamoDB", "durable_object": "Durable Object", "d1": "D1", "kv": "NOT atomic"}[store])
    auth = answers.get("auth")
    if answers.get("event_source") in {"http_api", "function_url", "fetch"} and answers["use_case"] != "edge_redirect":
        expected.append({"none": "PUBLIC", "api_key": "x-api-key", "iam": "SigV4", "hmac": "HMAC-SHA256"}[auth])
    if auth == "none":
        expected.append(answers["public_until"])
    expected.append(answers["aws_region"] if answers["platform"] == "lambda" else answers["compatibility_date"])
    for name, text in prompts.items():
        for fact in expected:
            assert fact in text, f"prompts/{name} lacks {fact!r}"


def test_review_prompt_names_every_checklist_row_and_splits_its_output(project: Path) -> None:
    rows = re.findall(r"^## \d+\. (.+)$", (project / "DEPLOY_CHECKLIST.md").read_text(), re.MULTILINE)
    assert len(rows) >= 10
    for path in ("prompts/review.md", "prompts/deploy-review.md", ".claude/agents/serverless-reviewer.md"):
        text = (project / path).read_text()
        for row in rows:
            assert row in text, f"{path} does not name checklist row {row!r}"
    review = (project / "prompts/review.md").read_text()
    headings = re.findall(r"^## (Blocking issues|Non-blocking improvements|Human confirmations)$", review, re.MULTILINE)
    assert headings == ["Blocking issues", "Non-blocking improvements", "Human confirmations"]
    for topic in ("idempotency", "timeout", "retr", "secret", "IAM" if answers_of(project)["platform"] == "lambda" else "binding", "log", "fixture", "Cleanup", "Links"):
        assert topic.lower() in review.lower(), f"review prompt does not check {topic}"


def test_requirements_prompt_asks_for_a_reviewable_unit(project: Path) -> None:
    text = (project / "prompts/requirements.md").read_text()
    for part in ("**Goal**", "**Requirements**", "**Constraints**", "**Acceptance tests**", "**Reviewable unit**", "fixtures", "tests", "DEPLOY_CHECKLIST.md rows"):
        assert part in text


def test_requirements_prompt_asks_for_the_latency_target(project: Path) -> None:
    text = (project / "prompts/requirements.md").read_text()
    constraints = next(line for line in text.splitlines() if "**Constraints**" in line)
    assert "latency target" in constraints and "cold" in constraints and "milliseconds" in constraints
    # On Lambda the owner can measure the cold start against it.
    lambda_render = answers_of(project)["platform"] == "lambda"
    assert ("`npm run bench:cold`" in constraints) == lambda_render
    assert ("bench:cold" in json.loads((project / "package.json").read_text())["scripts"]) == lambda_render


def test_deploy_review_prompt_gives_the_exact_deploy_and_delete_commands(project: Path) -> None:
    text = (project / "prompts/deploy-review.md").read_text()
    answers = answers_of(project)
    if answers["platform"] == "lambda":
        assert f"sam delete --stack-name {answers['project_slug']}-dev --region {answers['aws_region']}" in text
    else:
        assert f"npx wrangler delete --name {answers['project_slug']}" in text
    assert "READY or NOT READY" in text


def test_generated_claude_files_have_no_template_leftovers(project: Path) -> None:
    files = [project / name for name in CLAUDE_FILES] + list((project / ".github").rglob("*.yml")) + list(project.glob(".mcp.json"))
    for path in files:
        text = path.read_text()
        for leftover in ("{{", "{%", "{#", ".jinja", "None.md", "Undefined"):
            if leftover == "{{" and path.suffix == ".yml":
                text = text.replace("${{", "")
            assert leftover not in text, f"{path.relative_to(project)} contains {leftover!r}"
        assert not re.search(r"\n{3,}", text), f"{path.relative_to(project)} has runs of blank lines"


def test_template_prompt_partials_are_not_rendered_into_projects(project: Path) -> None:
    assert sorted(path.name for path in (project / "prompts").iterdir()) == ["deploy-review.md", "requirements.md", "review.md"]
    assert not (project / "prompts" / "rules").exists()


def test_each_prompt_rule_has_one_source_in_the_template() -> None:
    """No line of rule text is written twice across the template's prompt sources."""
    sources = list((TEMPLATE_ROOT / "prompt_parts").rglob("*.md")) + [
        path for path in (TEMPLATE_ROOT / "template").rglob("*.md.jinja") if "prompts" in path.parts or ".claude" in path.parts or path.name.startswith(("CLAUDE", "DEPLOY"))
    ]
    seen: dict[str, Path] = {}
    for path in sources:
        for line in path.read_text().splitlines():
            line = line.strip()
            if len(line) < 50 or line.startswith(("{%", "{#", "description:")):
                continue
            assert line not in seen or seen[line] == path, f"rule text written twice: {path} and {seen[line]}:\n{line}"
            seen[line] = path


# ---------------------------------------------------------- commands, agent --


def test_commands_front_matter_parses_and_uses_only_known_keys(project: Path) -> None:
    commands = sorted((project / ".claude" / "commands").glob("*.md"))
    assert [path.stem for path in commands] == ["deploy-check", "new-fixture", "requirements", "review"]
    for path in commands:
        data, raw, body = front_matter(path)
        assert set(data) <= COMMAND_KEYS, f"{path.name}: unknown keys {set(data) - COMMAND_KEYS}"
        assert isinstance(data["description"], str) and data["description"].strip()
        assert re.search(r'^argument-hint: "[^"]+"$', raw, re.MULTILINE), f"{path.name}: argument-hint must be quoted"
        assert isinstance(data["allowed-tools"], str)
        tools = [tool.strip() for tool in data["allowed-tools"].split(",")]
        assert all(re.fullmatch(r"(Read|Grep|Glob|Bash\([^()]+\))", tool) for tool in tools), tools
        assert "$ARGUMENTS" in body
        assert not any(tool.startswith(("Edit", "Write")) for tool in tools), f"{path.name} pre-approves file writes"
        for mention in re.findall(r"^@(\S+)$", body, re.MULTILINE):
            assert (project / mention).is_file(), f"{path.name} references missing {mention}"
    deploy_check, _, _ = front_matter(project / ".claude/commands/deploy-check.md")
    assert deploy_check["disable-model-invocation"] is True
    assert not any("deploy" in tool and "Bash" in tool for tool in deploy_check["allowed-tools"].split(","))


def test_reviewer_agent_is_read_only(project: Path) -> None:
    data, _, body = front_matter(project / ".claude/agents/serverless-reviewer.md")
    assert set(data) <= AGENT_KEYS
    assert data["name"] == "serverless-reviewer"
    assert {tool.strip() for tool in data["tools"].split(",")} <= READ_ONLY_TOOLS
    assert "## Blocking issues" in body


# ------------------------------------------------------------------ settings --

PERMISSION_RULE = {
    "type": "string",
    # Tool or Tool(specifier); the legacy prefix form `:*` only at the end.
    "pattern": r"^(Bash\((?:[^():]|:(?!\*)|:\*(?=\)$))+\)|(Read|Edit)\((\./|~/|//|/)[^()\s]+\))$",
}
STRINGS = {"type": "array", "items": {"type": "string", "minLength": 1}, "uniqueItems": True}
#: The documented settings format, strictly: only the keys this template writes.
DOCUMENTED_SETTINGS_FORMAT = {
    "type": "object",
    "additionalProperties": False,
    "required": ["$schema", "permissions", "sandbox", "hooks"],
    "properties": {
        "$schema": {"const": "https://json.schemastore.org/claude-code-settings.json"},
        "permissions": {
            "type": "object",
            "additionalProperties": False,
            "required": ["allow", "ask", "deny"],
            "properties": {key: {"type": "array", "items": PERMISSION_RULE, "uniqueItems": True, "minItems": 1} for key in ("allow", "ask", "deny")},
        },
        "sandbox": {
            "type": "object",
            "additionalProperties": False,
            "required": ["enabled", "filesystem", "network", "credentials"],
            "properties": {
                "enabled": {"const": True},
                "failIfUnavailable": {"type": "boolean"},
                "allowUnsandboxedCommands": {"const": False},
                "autoAllowBashIfSandboxed": {"const": False},
                "filesystem": {"type": "object", "additionalProperties": False, "properties": {key: STRINGS for key in ("denyRead", "allowRead", "denyWrite")}},
                "network": {"type": "object", "additionalProperties": False, "properties": {"allowedDomains": STRINGS, "allowLocalBinding": {"type": "boolean"}}},
                "credentials": {
                    "type": "object",
                    "additionalProperties": False,
                    "properties": {
                        "files": {"type": "array", "items": {"type": "object", "additionalProperties": False, "required": ["path", "mode"], "properties": {"path": {"type": "string"}, "mode": {"const": "deny"}}}},
                        "envVars": {"type": "array", "items": {"type": "object", "additionalProperties": False, "required": ["name", "mode"], "properties": {"name": {"type": "string", "pattern": "^[A-Z_][A-Z0-9_]*$"}, "mode": {"const": "deny"}}}},
                    },
                },
            },
        },
        "hooks": {
            "type": "object",
            "additionalProperties": False,
            "properties": {
                "PreToolUse": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "additionalProperties": False,
                        "required": ["matcher", "hooks"],
                        "properties": {
                            "matcher": {"type": "string"},
                            "hooks": {
                                "type": "array",
                                "minItems": 1,
                                "items": {
                                    "type": "object",
                                    "additionalProperties": False,
                                    "required": ["type", "command"],
                                    "properties": {
                                        "type": {"const": "command"},
                                        "command": {"type": "string", "pattern": r"\$CLAUDE_PROJECT_DIR"},
                                        "timeout": {"type": "integer", "minimum": 1, "maximum": 600},
                                    },
                                },
                            },
                        },
                    },
                }
            },
        },
    },
}


def load_settings(project: Path) -> dict:
    return json.loads((project / ".claude" / "settings.json").read_text())


def test_settings_match_the_documented_format_strictly(project: Path) -> None:
    settings = load_settings(project)
    jsonschema.validate(settings, DOCUMENTED_SETTINGS_FORMAT)
    command = settings["hooks"]["PreToolUse"][0]["hooks"][0]["command"]
    script = re.fullmatch(r'node "\$CLAUDE_PROJECT_DIR/([^"]+)"', command)
    assert script and (project / script.group(1)).is_file(), command
    matcher = re.compile(settings["hooks"]["PreToolUse"][0]["matcher"])
    for tool in ("Bash", "Write", "Edit", "MultiEdit", "NotebookEdit"):
        assert matcher.fullmatch(tool)
    assert not matcher.fullmatch("Read")


def test_settings_allow_local_work_ask_for_deploys_and_deny_secrets(project: Path) -> None:
    permissions = load_settings(project)["permissions"]
    allow, ask, deny = (set(permissions[key]) for key in ("allow", "ask", "deny"))
    assert {"Bash(npm test)", "Bash(npm run invoke *)", "Bash(npm run check)"} <= allow
    if answers_of(project)["platform"] == "lambda":
        assert {"Bash(sam deploy *)", "Bash(aws lambda update-*)", "Bash(aws cloudformation deploy *)", "Bash(npm run deploy*)"} <= ask
    else:
        assert {"Bash(wrangler deploy *)", "Bash(npx wrangler deploy *)", "Bash(wrangler secret put *)", "Bash(npx wrangler secret put *)"} <= ask
    assert {"Read(./.env)", "Read(./.env.*)", "Read(./.dev.vars)", "Read(./.dev.vars.*)", "Read(~/.aws/**)", "Bash(aws iam *)"} <= deny
    # Wrangler keeps its login in these folders; ~/.cloudflare is no Wrangler path.
    assert {"Read(~/.config/.wrangler/**)", "Read(~/Library/Preferences/.wrangler/**)", "Read(~/.wrangler/**)"} <= deny
    assert not any(".cloudflare" in rule for rule in deny)
    # The gate's own files: Edit rules cover Edit, Write, MultiEdit and NotebookEdit.
    assert {"Edit(./.claude/settings.json)", "Edit(./.claude/settings.local.json)", "Edit(./.claude/hooks/**)", "Edit(./scripts/check.mjs)", "Edit(./scripts/lib/**)", "Edit(./.githooks/**)"} <= deny
    assert not any(rule.startswith("Edit(./.claude/") and ("agents" in rule or "skills" in rule or "commands" in rule) for rule in deny)
    # No allow rule a deploy, a secret or a file-writing git form can hide behind.
    assert not any("deploy" in rule or "secret" in rule for rule in allow)
    git_rules = [rule for rule in allow if rule.startswith("Bash(git ")]
    assert git_rules and not any("*" in rule for rule in git_rules), "git diff/log take --output= and --no-index: exact forms only"


def test_settings_sandbox_keeps_credentials_and_the_gate_out_of_reach(project: Path) -> None:
    sandbox = load_settings(project)["sandbox"]
    assert sandbox["enabled"] is True and sandbox["allowUnsandboxedCommands"] is False and sandbox["autoAllowBashIfSandboxed"] is False
    filesystem = sandbox["filesystem"]
    assert {"~/.aws", "~/.config/.wrangler", "~/Library/Preferences/.wrangler", "~/.wrangler", "./.env", "./.env.*", "./.dev.vars", "./.dev.vars.*"} <= set(filesystem["denyRead"])
    assert set(filesystem["allowRead"]) == {"./.env.example", "./.dev.vars.example"}
    assert {"./.claude/settings.json", "./.claude/hooks", "./scripts/check.mjs", "./scripts/lib", "./.githooks"} <= set(filesystem["denyWrite"])
    assert sandbox["network"]["allowedDomains"] == ["registry.npmjs.org", "localhost", "127.0.0.1"]
    env_vars = {entry["name"] for entry in sandbox["credentials"]["envVars"]}
    assert {"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "CLOUDFLARE_API_TOKEN"} <= env_vars
    assert "~/.aws/credentials" in {entry["path"] for entry in sandbox["credentials"]["files"]}


def test_generated_readme_says_which_layer_promises_what(project: Path) -> None:
    readme = (project / "README.md").read_text()
    section = readme.split("## Claude Code guard rails", 1)[1].split("\n## ", 1)[0]
    for promise in ("best effort", "parsed", "ask", "deny", "sandbox", "spelling", "cannot see", "Windows", "bubblewrap"):
        assert promise in section, f"README guard-rails section lacks {promise!r}"
    claude_md = (project / "CLAUDE.md").read_text()
    assert "sandbox" in claude_md and "guard" in claude_md


def test_documented_format_rejects_malformed_settings() -> None:
    """The strict format check can fail: a typo'd key, a bare string, an unknown hook type."""
    sandbox = {"enabled": True, "filesystem": {"denyRead": ["~/.aws"]}, "network": {"allowedDomains": ["registry.npmjs.org"]}, "credentials": {"envVars": [{"name": "AWS_ACCESS_KEY_ID", "mode": "deny"}]}}
    good = {"$schema": "https://json.schemastore.org/claude-code-settings.json", "permissions": {"allow": ["Bash(npm test)"], "ask": ["Bash(sam deploy *)"], "deny": ["Read(./.env*)"]}, "sandbox": sandbox, "hooks": {}}
    jsonschema.validate(good, DOCUMENTED_SETTINGS_FORMAT)
    for bad in (
        {**good, "permission": good["permissions"]},
        {**good, "permissions": {**good["permissions"], "deny": "Read(./.env*)"}},
        {**good, "permissions": {**good["permissions"], "deny": ["Read(.env)"]}},
        {**good, "sandbox": {**sandbox, "allowUnsandboxedCommands": True}},
        {**good, "sandbox": {**sandbox, "credentials": {"envVars": [{"name": "AWS_ACCESS_KEY_ID", "mode": "mask"}]}}},
        {**good, "sandbox": {**sandbox, "network": {"allowedHosts": ["x"]}}},
        {**good, "hooks": {"PreToolUse": [{"matcher": "Bash", "hooks": [{"type": "shell", "command": "$CLAUDE_PROJECT_DIR/x"}]}]}},
    ):
        with pytest.raises(jsonschema.ValidationError):
            jsonschema.validate(bad, DOCUMENTED_SETTINGS_FORMAT)


@pytest.fixture(scope="session")
def settings_type_checker(tmp_path_factory: pytest.TempPathFactory):
    """tsc + SchemaStore's published claude-code-settings definitions, installed pinned from npm.

    No registry ships the claude-code-settings JSON Schema file itself; SchemaStore
    publishes the TypeScript definitions generated from it (@schemastore/claude-code-settings),
    so `satisfies ClaudeCodeSettings` checks every key and value type the schema defines.
    """
    folder = tmp_path_factory.mktemp("settings-type-check")
    shutil.copy(TYPE_CHECK_PACKAGE, folder / "package.json")
    install_node_modules(folder)

    def check(named_settings: dict[str, object]):
        source = ["import type { ClaudeCodeSettings } from '@schemastore/claude-code-settings';"]
        for index, (name, settings) in enumerate(named_settings.items()):
            source.append(f"// {name}\nexport const settings{index} = {json.dumps(settings, indent=2)} satisfies ClaudeCodeSettings;")
        (folder / "settings.ts").write_text("\n".join(source) + "\n")
        return run(
            ["node", "node_modules/typescript/bin/tsc", "--noEmit", "--strict", "--exactOptionalPropertyTypes", "--module", "nodenext", "--moduleResolution", "nodenext", "--skipLibCheck", "false", "settings.ts"],
            folder,
            check=False,
        )

    return check


@pytest.mark.slow
def test_settings_satisfy_the_schemastore_settings_definitions(settings_type_checker, render_root: Path) -> None:
    named = {}
    for name in ANSWER_SET_NAMES:
        try:
            named[name] = load_settings(rendered(name, render_root))
        except (pytest.skip.Exception, Exception):  # not renderable: the per-set tests report it
            continue
    result = settings_type_checker(named)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.slow
def test_schemastore_settings_definitions_reject_invalid_settings(settings_type_checker) -> None:
    result = settings_type_checker(
        {
            "permissions-typo": {"permissions": {"allow": ["Bash(npm test)"], "alow": ["Read"]}},
            "rules-not-a-list": {"permissions": {"deny": "Read(./.env*)"}},
            "unknown-hook-type": {"hooks": {"PreToolUse": [{"matcher": "Bash", "hooks": [{"type": "shell", "command": "x"}]}]}},
            "sandbox-credential-mode": {"sandbox": {"credentials": {"files": [{"path": "~/.aws", "mode": "mask"}]}}},
            "sandbox-unknown-key": {"sandbox": {"filesystem": {"denyReads": ["~/.aws"]}}},
        }
    )
    assert result.returncode != 0
    for line in ("'\"alow\"' does not exist", "Type 'string' is not assignable to type 'string[]'", "Type '\"shell\"' is not assignable", "Type '\"mask\"' is not assignable", "'\"denyReads\"' does not exist"):
        assert line in result.stdout, result.stdout


# ------------------------------------------------------- headless, MCP, CI --


def test_npm_scripts_feed_prompts_to_claude_headless_with_read_only_tools(project: Path) -> None:
    scripts = json.loads((project / "package.json").read_text())["scripts"]
    assert scripts["check"] == "node scripts/check.mjs"
    for name, prompt in (("claude:review", "prompts/review.md"), ("claude:requirements", "prompts/requirements.md")):
        script = scripts[name]
        assert script.startswith("claude -p ") and script.endswith(f"< {prompt}")
        allowed = re.search(r'--allowedTools "([^"]+)"', script).group(1).split(",")
        assert allowed and all(tool in READ_ONLY_TOOLS or tool in SAFE_GIT_TOOLS for tool in allowed), allowed
        disallowed = re.search(r'--disallowedTools "([^"]+)"', script).group(1).split(",")
        assert {"Edit", "Write"} <= set(disallowed)


def test_mcp_config_is_read_only_docs_servers_when_asked_for(project: Path) -> None:
    answers = answers_of(project)
    path = project / ".mcp.json"
    if not answers["with_mcp"]:
        assert not path.exists()
        return
    servers = json.loads(path.read_text())["mcpServers"]
    if answers["platform"] == "lambda":
        assert set(servers) == {"aws-documentation", "aws-serverless"}
        for server in servers.values():
            assert server["command"] == "uvx" and re.fullmatch(r"awslabs\.[a-z-]+==\d+\.\d+\.\d+", server["args"][0])
            assert not any(arg.startswith("--allow-") for arg in server["args"]), "no write or sensitive-data flags"
    else:
        assert servers == {"cloudflare-docs": {"type": "http", "url": "https://docs.mcp.cloudflare.com/mcp"}}


def test_ci_workflows_run_tests_and_checklist_when_asked_for(project: Path) -> None:
    answers = answers_of(project)
    workflows = project / ".github" / "workflows"
    if not answers["with_ci"]:
        assert not (project / ".github").exists()
        return
    ci = yaml.safe_load((workflows / "ci.yml").read_text())
    steps = ci["jobs"]["test"]["steps"]
    commands = [step.get("run", "") for step in steps]
    assert any("npm ci" in command for command in commands)
    assert "npm test" in commands and "npm run check -- --skip-tests" in commands
    # The cold-start benchmark runs once per Lambda CI run, as a smoke check.
    assert ("npm run bench:cold -- 3" in commands) == (answers["platform"] == "lambda")
    assert ci["permissions"] == {"contents": "read"}
    review = yaml.safe_load((workflows / "claude-review.yml").read_text())
    assert review["permissions"] == {"contents": "read"}
    script = review["jobs"]["review"]["steps"][-1]["run"]
    assert "@anthropic-ai/claude-code@" in script and "--allowedTools" in script and "< prompts/review.md" in script


FAKE_CLAUDE = """#!/usr/bin/env node
// Stands in for the claude CLI: records its arguments and the prompt it read on stdin.
const chunks = [];
process.stdin.on('data', (chunk) => chunks.push(chunk));
process.stdin.on('end', () => {
  require('node:fs').writeFileSync(process.env.FAKE_CLAUDE_RECORD, JSON.stringify({ argv: process.argv.slice(2), stdin: Buffer.concat(chunks).toString('utf8') }));
});
"""


@pytest.mark.parametrize("script, prompt", [("claude:review", "prompts/review.md"), ("claude:requirements", "prompts/requirements.md")])
def test_headless_scripts_pipe_the_prompt_file_into_claude_print_mode(render_root: Path, tmp_path: Path, script: str, prompt: str) -> None:
    project = rendered("lambda-json-api-iam", render_root)
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    fake = bin_dir / "claude"
    fake.write_text(FAKE_CLAUDE)
    fake.chmod(0o755)
    record = tmp_path / "record.json"
    run(["npm", "run", "--silent", script], project, env={"PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}", "FAKE_CLAUDE_RECORD": str(record)})
    called = json.loads(record.read_text())
    assert called["stdin"] == (project / prompt).read_text()
    argv = called["argv"]
    assert argv[0] == "-p"
    allowed = argv[argv.index("--allowedTools") + 1].split(",")
    assert set(allowed) <= READ_ONLY_TOOLS | SAFE_GIT_TOOLS
    assert {"Edit", "Write"} <= set(argv[argv.index("--disallowedTools") + 1].split(","))
    assert len(argv) == 5, "no stray positional argument after the variadic tool lists"


def test_ci_workflows_validate_against_the_github_workflow_schema(project: Path) -> None:
    workflows = sorted((project / ".github" / "workflows").glob("*.yml")) if (project / ".github").exists() else []
    if not workflows:
        pytest.skip("with_ci is off")
    result = subprocess.run(
        [sys.executable, "-m", "check_jsonschema", "--builtin-schema", "vendor.github-workflows", *map(str, workflows)],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
