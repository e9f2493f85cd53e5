"""The Claude Code files of a generated repo: CLAUDE.md, prompts, commands, agent,
settings, MCP config, CI workflows and the headless npm scripts.

Every test runs against each answer set in ``tests.support.claude_code`` so the
answer-specific branches are all exercised.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest
import yaml

from hooks import claude_policy
from hooks import pins
from tests.support.claude_code import ALL_ANSWER_SETS, CLAUDE_FILES, USE_CASE_SKILLS, answers_of, front_matter, rendered
from tests.support.claude_code import render_root  # noqa: F401 (a fixture)
from tests.support.node import install_node_modules, run
from tests.support.render import TEMPLATE_ROOT

pytestmark = pytest.mark.xdist_group("claude_code")

ANSWER_SET_NAMES = sorted(ALL_ANSWER_SETS)
#: The front matter keys Claude Code documents, and nothing else:
#: skills (code.claude.com/docs/en/skills, "Frontmatter reference"),
SKILL_KEYS = {
    "name", "description", "when_to_use", "argument-hint", "arguments", "disable-model-invocation", "user-invocable",
    "allowed-tools", "disallowed-tools", "model", "effort", "context", "agent", "background", "hooks", "paths", "shell",
    "metadata", "license", "compatibility",
}
#: subagents (code.claude.com/docs/en/sub-agents, "Supported frontmatter fields"),
AGENT_KEYS = {
    "name", "description", "tools", "disallowedTools", "model", "permissionMode", "maxTurns", "skills", "mcpServers",
    "hooks", "memory", "background", "effort", "isolation", "color", "initialPrompt",
}
#: and rules (code.claude.com/docs/en/memory, "Path-specific rules").
RULE_KEYS = {"paths"}
#: The skills every repo has, and those only a person starts (their description stays out of Claude's context).
SHARED_SKILLS = {"requirements", "new-fixture", "checklist-review", "deploy-check", "read-logs", "cold-start"}
PERSON_ONLY_SKILLS = {"deploy-check", "read-logs"}
READ_ONLY_TOOLS = {"Read", "Grep", "Glob"}
#: git reads with no wildcard: `git diff --output=…` writes and `--no-index` reads any file.
SAFE_GIT_TOOLS = {f"Bash({command})" for command in claude_policy.SAFE_GIT_READS}
TYPE_CHECK_PACKAGE = Path(__file__).parent / "claude_settings_types" / "package.json"



@pytest.fixture(params=ANSWER_SET_NAMES)
def project(request: pytest.FixtureRequest, render_root: Path) -> Path:
    return rendered(request.param, render_root)


# ------------------------------------------------------------------ CLAUDE.md --


def test_claude_md_imports_agents_md_and_adds_only_claude_code(project: Path) -> None:
    claude = (project / "CLAUDE.md").read_text()
    agents = (project / "AGENTS.md").read_text()
    answers = answers_of(project)
    assert claude.startswith("@AGENTS.md\n"), "CLAUDE.md imports the facts other agents read too"
    assert len(claude.splitlines()) < 20 and len(agents.splitlines()) < 120
    assert answers["owner"] in agents
    for command in ("npm test", "npm run test:unit", "npm run invoke -- events/", "npm run check"):
        assert command in agents
    deploy = "npm run deploy:dev" if answers["platform"] == "lambda" else "npm run deploy"
    assert f"`{deploy}`" in agents
    for section in ("## Facts", "## Commands", "## Layout", "## The rules every change keeps", "## Always needs a human"):
        assert section in agents
    for gate in ("IAM" if answers["platform"] == "lambda" else "bindings", "public", "billable", "secrets", "deleting"):
        assert gate in agents
    for rule in (project / ".claude" / "rules").glob("*.md"):
        assert f"`{rule.name}`" in claude, f"CLAUDE.md does not name the rule {rule.name}"
    for skill in (project / ".claude" / "skills").iterdir():
        assert f"`/{skill.name}" in claude, f"CLAUDE.md does not name the skill /{skill.name}"
    assert not re.search(r"`/[a-z-]+`|\.claude/rules", agents), "skills and rules are Claude Code's: CLAUDE.md names them"


def blocks(text: str) -> list[str]:
    """The paragraphs and list items of a Markdown text, whitespace-normalised."""
    found = []
    for block in re.split(r"\n\s*\n|\n(?=\s*[-*] |\s*\d+\. |\|)", text):
        block = " ".join(block.split())
        if len(block) >= 30 and not block.startswith(("#", "|---", "@")):
            found.append(block)
    return found


def test_nothing_in_agents_md_or_the_checklist_is_said_again_in_claude_md(project: Path) -> None:
    claude = (project / "CLAUDE.md").read_text()
    assert "@DEPLOY_CHECKLIST.md" not in claude, "CLAUDE.md would read the checklist twice (rules load its rows by path)"
    for source in ("AGENTS.md", "DEPLOY_CHECKLIST.md"):
        repeated = set(blocks(claude)) & set(blocks((project / source).read_text()))
        assert not repeated, f"said in both CLAUDE.md and {source}: {repeated}"
    # The same check fails when a bullet is copied (the check is not vacuous).
    copied = claude + "\n" + blocks((project / "AGENTS.md").read_text())[-1] + "\n"
    assert set(blocks(copied)) & set(blocks((project / "AGENTS.md").read_text()))


def test_claude_md_imports_only_files_that_exist(project: Path) -> None:
    imports = re.findall(r"^@(\S+)$", (project / "CLAUDE.md").read_text(), re.MULTILINE)
    assert imports == ["AGENTS.md"]
    for imported in imports:
        assert (project / imported).is_file(), f"CLAUDE.md imports missing {imported}"
    assert not re.findall(r"^@\S+$", (project / "AGENTS.md").read_text(), re.MULTILINE), "other agents do not expand @imports"


def test_agents_md_event_fixture_exists(project: Path) -> None:
    fixture = re.search(r"npm run invoke -- (events/\S+?\.json)", (project / "AGENTS.md").read_text())
    assert fixture
    if (project / "events").is_dir():
        assert (project / fixture.group(1)).is_file(), f"{fixture.group(1)} is named in AGENTS.md but not rendered"


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
    files = {project / name for name in CLAUDE_FILES} | set((project / ".claude").rglob("*.md")) | set((project / ".github").rglob("*.yml")) | set(project.glob(".mcp.json"))
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
        path for path in (TEMPLATE_ROOT / "template").rglob("*.md.jinja") if "prompts" in path.parts or ".claude" in path.parts or path.name.startswith(("CLAUDE", "AGENTS", "DEPLOY"))
    ]
    seen: dict[str, Path] = {}
    for path in sources:
        for line in path.read_text().splitlines():
            line = line.strip()
            if len(line) < 50 or line.startswith(("{%", "{#", "description:")):
                continue
            assert line not in seen or seen[line] == path, f"rule text written twice: {path} and {seen[line]}:\n{line}"
            seen[line] = path


# ---------------------------------------------------- skills, agent, rules --


def tool_list(value: object) -> list[str]:
    """allowed-tools as Claude Code reads it: a YAML list, or a comma/space separated string."""
    if isinstance(value, list):
        return [str(item) for item in value]
    return [tool for tool in re.split(r",\s*|\s+(?![^(]*\))", str(value)) if tool]


def test_skills_replace_the_commands_and_fit_the_use_case(project: Path) -> None:
    answers = answers_of(project)
    assert not (project / ".claude" / "commands").exists(), "custom commands are merged into skills"
    skills = {path.parent.name for path in (project / ".claude" / "skills").glob("*/SKILL.md")}
    expected_extra = {USE_CASE_SKILLS[answers["use_case"]]} if answers["use_case"] in USE_CASE_SKILLS else set()
    assert SHARED_SKILLS | expected_extra <= skills
    assert not (set(USE_CASE_SKILLS.values()) - expected_extra) & skills, "another use case's skill was rendered"


def test_every_skill_has_documented_front_matter_and_safe_tools(project: Path) -> None:
    for path in sorted((project / ".claude" / "skills").glob("*/SKILL.md")):
        data, raw, body = front_matter(path)
        name = path.parent.name
        assert set(data) <= SKILL_KEYS, f"{name}: undocumented keys {set(data) - SKILL_KEYS}"
        assert data["name"] == name, "the directory gives the command; name is its label"
        assert re.fullmatch(r"[a-z0-9-]{1,64}", name)
        assert isinstance(data["description"], str) and 40 < len(data["description"]) <= 1536
        assert re.search(r'^argument-hint: "[^"]+"$', raw, re.MULTILINE), f"{name}: argument-hint must be quoted"
        assert "$ARGUMENTS" in body
        tools = tool_list(data["allowed-tools"])
        assert all(re.fullmatch(r"(Read|Grep|Glob|Bash\([^()]+\))", tool) for tool in tools), tools
        assert not [tool for tool in tools if re.search(r"deploy|secret|logs|tail|\bsam\b|wrangler|aws ", tool)], f"{name} pre-approves {tools}"
        assert not [tool for tool in tools if tool.startswith("Bash(git ") and "*" in tool], "git diff/log take --output=: exact forms only"
        assert (data.get("disable-model-invocation") is True) == (name in PERSON_ONLY_SKILLS), name
        for mentioned in re.findall(r"\$\{CLAUDE_PROJECT_DIR\}/(\S+?)`", body):
            assert (project / mentioned).is_file(), f"{name} reads missing {mentioned}"
        for other in re.findall(r"`/([a-z-]+)(?=[ `])", body):
            assert (project / ".claude" / "skills" / other / "SKILL.md").is_file(), f"{name} names the missing skill /{other}"


def test_person_only_skills_stay_out_of_the_models_hands(project: Path) -> None:
    deploy_check, _, body = front_matter(project / ".claude/skills/deploy-check/SKILL.md")
    assert deploy_check["disable-model-invocation"] is True
    assert "never deploy" in body.lower()
    read_logs, _, body = front_matter(project / ".claude/skills/read-logs/SKILL.md")
    assert read_logs["disable-model-invocation"] is True
    command = "sam logs --stack-name" if answers_of(project)["platform"] == "lambda" else "npx wrangler tail"
    assert command in body
    ask = set(load_settings(project)["permissions"]["ask"])
    assert {rule for rule in ask if re.search(r"sam logs|wrangler tail", rule)}, "reading the logs is behind ask"


def test_reviewer_agent_is_read_only(project: Path) -> None:
    data, _, body = front_matter(project / ".claude/agents/serverless-reviewer.md")
    assert set(data) <= AGENT_KEYS
    assert data["name"] == "serverless-reviewer"
    assert {tool.strip() for tool in data["tools"].split(",")} <= READ_ONLY_TOOLS
    assert "## Blocking issues" in body


def test_rules_are_scoped_to_paths_that_exist(project: Path) -> None:
    rules = sorted((project / ".claude" / "rules").glob("*.md"))
    assert {path.name for path in rules} >= {"handler-contracts.md", "iac.md", "template-owned.md", "fake-data.md"}
    config = "template.yaml" if answers_of(project)["platform"] == "lambda" else "wrangler.jsonc"
    scopes = {}
    for path in rules:
        data, _, body = front_matter(path)
        assert set(data) <= RULE_KEYS, f"{path.name}: undocumented keys {set(data) - RULE_KEYS}"
        assert isinstance(data["paths"], list) and data["paths"], path.name
        for pattern in data["paths"]:
            assert [hit for hit in project.glob(pattern) if "node_modules" not in hit.parts], f"{path.name}: {pattern} matches no file"
        scopes[path.name] = data["paths"]
        assert body.strip()
    assert config in scopes["iac.md"] and scopes["template-owned.md"] == ["src/lib/**"] and scopes["fake-data.md"] == ["events/**"]


# ------------------------------------------------------------------ settings --

PERMISSION_RULE = {
    "type": "string",
    # Tool or Tool(specifier); the legacy prefix form `:*` only at the end.
    "pattern": r"^(Bash\((?:[^():]|:(?!\*)|:\*(?=\)$))+\)|(Read|Edit)\((\./|~/|//|/)[^()\s]+\)|mcp__[a-z0-9-]+__[a-z0-9_]+)$",
}
STRINGS = {"type": "array", "items": {"type": "string", "minLength": 1}, "uniqueItems": True}


def HOOK_GROUPS(matcher: bool) -> dict:  # noqa: N802 - reads like the schema constant it builds
    """An event's matcher groups, each with one command hook that runs a project script."""
    handler = {
        "type": "object",
        "additionalProperties": False,
        "required": ["type", "command"],
        "properties": {
            "type": {"const": "command"},
            "command": {"type": "string", "pattern": r"\$CLAUDE_PROJECT_DIR"},
            "timeout": {"type": "integer", "minimum": 1, "maximum": 600},
        },
    }
    group = {
        "type": "object",
        "additionalProperties": False,
        "required": ["matcher", "hooks"] if matcher else ["hooks"],
        "properties": {"hooks": {"type": "array", "minItems": 1, "items": handler}, **({"matcher": {"type": "string", "minLength": 1}} if matcher else {})},
    }
    return {"type": "array", "minItems": 1, "items": group}

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
        "enabledMcpjsonServers": {**STRINGS, "minItems": 1},
        "hooks": {
            "type": "object",
            "additionalProperties": False,
            "required": ["PreToolUse", "PostToolUse", "Stop"],
            "properties": {
                # Tool events filter on the tool name; Stop has no matcher (code.claude.com/docs/en/hooks).
                "PreToolUse": HOOK_GROUPS(matcher=True),
                "PostToolUse": HOOK_GROUPS(matcher=True),
                "Stop": HOOK_GROUPS(matcher=False),
            },
        },
    },
}


def load_settings(project: Path) -> dict:
    return json.loads((project / ".claude" / "settings.json").read_text())


def test_settings_match_the_documented_format_strictly(project: Path) -> None:
    settings = load_settings(project)
    jsonschema.validate(settings, DOCUMENTED_SETTINGS_FORMAT)
    scripts = {}
    for event, groups in settings["hooks"].items():
        command = groups[0]["hooks"][0]["command"]
        script = re.fullmatch(r'node "\$CLAUDE_PROJECT_DIR/(\.claude/hooks/[^"]+)"', command)
        assert script and (project / script.group(1)).is_file(), command
        scripts[event] = script.group(1)
    assert scripts == {"PreToolUse": ".claude/hooks/guard.mjs", "PostToolUse": ".claude/hooks/validate-config.mjs", "Stop": ".claude/hooks/stop-tests.mjs"}
    # Matchers of letters and | are exact names (code.claude.com/docs/en/hooks, "Matcher patterns").
    pre = settings["hooks"]["PreToolUse"][0]["matcher"].split("|")
    post = settings["hooks"]["PostToolUse"][0]["matcher"].split("|")
    assert set(pre) == {"Bash", "Write", "Edit", "MultiEdit", "NotebookEdit"}
    assert set(post) == {"Write", "Edit", "MultiEdit"}, "the config check runs after the file tools only"
    assert "matcher" not in settings["hooks"]["Stop"][0]


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
    hook = {"type": "command", "command": 'node "$CLAUDE_PROJECT_DIR/.claude/hooks/x.mjs"'}
    hooks = {"PreToolUse": [{"matcher": "Bash", "hooks": [hook]}], "PostToolUse": [{"matcher": "Edit", "hooks": [hook]}], "Stop": [{"hooks": [hook]}]}
    good = {"$schema": "https://json.schemastore.org/claude-code-settings.json", "permissions": {"allow": ["Bash(npm test)"], "ask": ["Bash(sam deploy *)"], "deny": ["Read(./.env*)", "mcp__aws-serverless__sam_deploy"]}, "sandbox": sandbox, "hooks": hooks}
    jsonschema.validate(good, DOCUMENTED_SETTINGS_FORMAT)
    for bad in (
        {**good, "permission": good["permissions"]},
        {**good, "permissions": {**good["permissions"], "deny": "Read(./.env*)"}},
        {**good, "permissions": {**good["permissions"], "deny": ["Read(.env)"]}},
        {**good, "sandbox": {**sandbox, "allowUnsandboxedCommands": True}},
        {**good, "sandbox": {**sandbox, "credentials": {"envVars": [{"name": "AWS_ACCESS_KEY_ID", "mode": "mask"}]}}},
        {**good, "sandbox": {**sandbox, "network": {"allowedHosts": ["x"]}}},
        {**good, "hooks": {"PreToolUse": [{"matcher": "Bash", "hooks": [{"type": "shell", "command": "$CLAUDE_PROJECT_DIR/x"}]}]}},
        {**good, "hooks": {**hooks, "Stop": [{"hooks": []}]}},
        {**good, "hooks": {**hooks, "PostToolUse": [{"hooks": [{"type": "command", "command": "node x.mjs"}]}]}},
        {**good, "hooks": {key: value for key, value in hooks.items() if key != "Stop"}},
        {**good, "enabledMcpjsonServers": "aws-documentation"},
        {**good, "permissions": {**good["permissions"], "deny": ["mcp__aws serverless__sam_deploy"]}},
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
            "hook-event-typo": {"hooks": {"OnStop": [{"hooks": [{"type": "command", "command": "x"}]}]}},
            "post-tool-use-timeout-string": {"hooks": {"PostToolUse": [{"matcher": "Edit", "hooks": [{"type": "command", "command": "x", "timeout": "120"}]}]}},
            "stop-hook-without-command": {"hooks": {"Stop": [{"hooks": [{"type": "command", "timeout": 300}]}]}},
        }
    )
    assert result.returncode != 0
    for line in (
        "'\"alow\"' does not exist", "Type 'string' is not assignable to type 'string[]'", "Type '\"shell\"' is not assignable",
        "Type '\"mask\"' is not assignable", "'\"denyReads\"' does not exist", "'\"OnStop\"' does not exist",
        "Type 'string' is not assignable to type 'number'", "Property 'command' is missing",
    ):
        assert line in result.stdout, result.stdout


# ------------------------------------------------------- headless, MCP, CI --

#: What `claude -p` must be told in a checkout nobody trusted: the project's allow rules do not
#: apply there (code.claude.com/docs/en/permissions, "What runs before you trust a folder").
HEADLESS_SCRIPTS = {"claude:review": ("checklist-review", "claude-review.json"), "claude:requirements": ("requirements", "claude-requirements.json")}


def headless_parts(command: str) -> dict[str, object]:
    """The flags of a `claude -p` command line, as the shell splits it."""
    words = shlex.split(command)
    assert words[:2] == ["claude", "-p"], command
    parsed: dict[str, object] = {"prompt": words[2]}
    index = 3
    while index < len(words):
        word = words[index]
        if word == ">":
            parsed["output_file"] = words[index + 1]
            index += 2
        elif word == "--strict-mcp-config":
            parsed[word] = True
            index += 1
        else:
            assert word.startswith("--"), f"stray argument {word!r} in {command}"
            parsed[word] = words[index + 1]
            index += 2
    return parsed


def assert_headless_and_read_only(parts: dict[str, object], skill: str) -> None:
    assert str(parts["prompt"]).split()[0] == f"/{skill}"
    assert parts["--permission-mode"] == "dontAsk", "nothing may wait for a person"
    assert int(str(parts["--max-turns"])) <= 50
    assert parts["--strict-mcp-config"] is True, "no MCP server in a headless run"
    allowed = str(parts["--allowedTools"]).split(",")
    assert allowed and all(tool in READ_ONLY_TOOLS or tool in SAFE_GIT_TOOLS for tool in allowed), allowed
    assert {"Edit", "Write", "NotebookEdit"} <= set(str(parts["--disallowedTools"]).split(","))


def test_headless_scripts_carry_their_permissions_a_turn_cap_and_json_output(project: Path) -> None:
    scripts = json.loads((project / "package.json").read_text())["scripts"]
    typescript = answers_of(project).get("language") == "typescript"
    assert scripts["check"] == ("npm run typecheck && " if typescript else "") + "node scripts/check.mjs"
    assert "test:unit" in scripts
    for name, (skill, output) in HEADLESS_SCRIPTS.items():
        parts = headless_parts(scripts[name])
        assert_headless_and_read_only(parts, skill)
        assert parts["--output-format"] == "json" and parts["output_file"] == output
        assert (project / ".claude" / "skills" / skill / "SKILL.md").is_file()
        assert output in (project / ".gitignore").read_text()


def test_mcp_servers_are_read_only_pinned_and_enabled_once(project: Path) -> None:
    answers = answers_of(project)
    path = project / ".mcp.json"
    settings = load_settings(project)
    if not answers["with_mcp"]:
        assert not path.exists() and "enabledMcpjsonServers" not in settings
        return
    servers = json.loads(path.read_text())["mcpServers"]
    assert settings["enabledMcpjsonServers"] == sorted(servers) or set(settings["enabledMcpjsonServers"]) == set(servers)
    readme = (project / "README.md").read_text().split("### MCP servers (read-only)", 1)[1].split("\n## ", 1)[0]
    if answers["platform"] == "lambda":
        assert set(servers) == {"aws-documentation", "aws-serverless"}
        for server in servers.values():
            package, version = server["args"][0].split("==")
            assert server["command"] == "uvx" and pins.load().raw["pypi"][package] == version
            assert server["args"] == [f"{package}=={version}"], "no --allow-write, no --allow-sensitive-data-access"
        assert {"mcp__aws-serverless__sam_deploy", "mcp__aws-serverless__sam_delete", "mcp__aws-serverless__sam_logs"} <= set(settings["permissions"]["deny"])
        assert "AWS API MCP server" in readme and "--allow-write" in readme
    else:
        assert servers == {
            "cloudflare-docs": {"type": "http", "url": "https://docs.mcp.cloudflare.com/mcp"},
            "cloudflare-observability": {"type": "http", "url": "https://observability.mcp.cloudflare.com/mcp"},
        }
        assert not any("bindings" in json.dumps(server) for server in servers.values())
        assert "Workers Bindings server" in readme and "no version to pin" in readme
    for name in servers:
        assert f"`{name}`" in readme, f"the README does not name {name}"
    assert "No server that can write is offered" in readme and "what it can read" in readme


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


def test_the_review_workflow_runs_the_skill_read_only_with_the_official_action(project: Path) -> None:
    if not answers_of(project)["with_ci"]:
        pytest.skip("with_ci is off")
    text = (project / ".github" / "workflows" / "claude-review.yml").read_text()
    review = yaml.safe_load(text)
    assert set(review[True]) == {"pull_request"}, "YAML reads `on` as true"
    assert review["permissions"] == {"contents": "read", "pull-requests": "read"}
    job = review["jobs"]["review"]
    assert "permissions" not in job
    action = next(step for step in job["steps"] if step.get("uses", "").startswith("anthropics/claude-code-action@"))
    pin = pins.load().raw["github_actions"]["anthropics/claude-code-action"]
    assert action["uses"] == f"anthropics/claude-code-action@{pin['commit']}", "a v1 release, by commit: a tag can be moved"
    assert re.fullmatch(r"v1\.\d+\.\d+", pin["version"]) and f"@{pin['commit']} # {pin['version']}" in text
    inputs = action["with"]
    assert inputs["prompt"].startswith("/checklist-review ")
    assert json.loads(inputs["settings"]) == {"disableAllHooks": True}, "hooks would run scripts the pull request wrote"
    assert inputs["github_token"] == "${{ github.token }}", "the job's read-only token, no GitHub App"
    assert_headless_and_read_only(headless_parts(f"claude -p {shlex.quote(inputs['prompt'])} {inputs['claude_args']}"), "checklist-review")
    assert set(re.findall(r"secrets\.(\w+)", text)) == {"ANTHROPIC_API_KEY"}
    assert "ANTHROPIC_API_KEY" in (project / "README.md").read_text()
    diff_step = next(step for step in job["steps"] if "pull-request.diff" in step.get("run", ""))
    assert "git diff" in diff_step["run"] and "claude-review/pull-request.diff" in inputs["prompt"]


FAKE_CLAUDE = """#!/usr/bin/env node
// Stands in for the claude CLI: records its arguments and prints a result as --output-format json does.
require('node:fs').writeFileSync(process.env.FAKE_CLAUDE_RECORD, JSON.stringify({ argv: process.argv.slice(2) }));
process.stdout.write(JSON.stringify({ type: 'result', subtype: 'success', is_error: false, num_turns: 3, result: '## Blocking issues\\nNone.' }) + '\\n');
"""


@pytest.mark.parametrize("script", sorted(HEADLESS_SCRIPTS))
def test_headless_scripts_run_claude_print_mode_and_write_its_json(render_root: Path, tmp_path: Path, script: str) -> None:
    project = rendered("lambda-json-api-iam", render_root)
    skill, output = HEADLESS_SCRIPTS[script]
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    fake = bin_dir / "claude"
    fake.write_text(FAKE_CLAUDE)
    fake.chmod(0o755)
    record = tmp_path / "record.json"
    (project / output).unlink(missing_ok=True)
    try:
        run(["npm", "run", "--silent", script], project, env={"PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}", "FAKE_CLAUDE_RECORD": str(record)})
        argv = json.loads(record.read_text())["argv"]
        written = json.loads((project / output).read_text())
    finally:
        (project / output).unlink(missing_ok=True)
    assert argv[:2] == ["-p", f"/{skill}"], "the prompt comes first: --allowedTools takes a list"
    assert_headless_and_read_only(headless_parts(shlex.join(["claude", *argv])), skill)
    assert written["result"].startswith("## Blocking issues")


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
