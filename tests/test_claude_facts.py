"""Each fact that CLAUDE.md, AGENTS.md, the skills, the rules and the prompts state is true for
the answers it was rendered from, checked against the generated code and config.

Every answer set of tests/support/matrix.py is rendered; for each, the stated facts are read
back out of the text (the files, tables, scripts and fixtures it names, the routes, the body
limit, the signature base, the stack and Worker names, the log settings) and compared with
package.json, template.yaml / wrangler.jsonc, samconfig.toml and the source files.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml

from tests.support.claude_code import answers_of, code_ext
from tests.support.claude_code import project, render_root  # noqa: F401 (fixtures)

pytestmark = pytest.mark.xdist_group("claude_code")

#: Scripts only some repos have (Lambda's bench:cold): a text shared by all names them as "if package.json has …".
OPTIONAL_SCRIPTS = {"bench:cold"}




def claude_texts(project: Path) -> dict[str, str]:
    """Every text an agent reads: CLAUDE.md, AGENTS.md, prompts, skills, rules and the agent."""
    paths = [project / "CLAUDE.md", project / "AGENTS.md", *sorted((project / "prompts").glob("*.md")), *sorted((project / ".claude").rglob("*.md"))]
    return {path.relative_to(project).as_posix(): path.read_text() for path in paths}


def yaml_config(project: Path) -> dict:
    """template.yaml with CloudFormation's short-form tags read as plain values."""

    class Loader(yaml.SafeLoader):
        pass

    Loader.add_multi_constructor("!", lambda loader, suffix, node: None)
    return yaml.load((project / "template.yaml").read_text(), Loader=Loader)


def jsonc(path: Path) -> dict:
    text = re.sub(r"^\s*//.*$", "", path.read_text(), flags=re.MULTILINE)
    return json.loads(re.sub(r",(\s*[}\]])", r"\1", text))


def test_every_named_script_fixture_and_file_exists(project: Path) -> None:
    scripts = json.loads((project / "package.json").read_text())["scripts"]
    for name, text in claude_texts(project).items():
        for script in re.findall(r"npm run (?:--silent )?([a-z][a-z0-9-]*(?::[a-z0-9-]+)*)", text):
            if script not in scripts:
                assert script in OPTIONAL_SCRIPTS, f"{name} names `npm run {script}`, which package.json does not have"
                assert f"If `package.json` has a `{script}` script" in text, f"{name} names {script} as if it always existed"
        for fixture in re.findall(r"`(events/[a-z0-9-]+\.json)`", text):
            assert (project / fixture).is_file(), f"{name} names {fixture}, which is not rendered"
        for file in re.findall(r"`((?:src|test|scripts)/[\w/.-]+\.mjs)`", text):
            assert (project / file).is_file(), f"{name} names {file}, which is not rendered"


def test_the_fixture_table_the_skills_name_is_the_one_the_fixture_test_reads(project: Path) -> None:
    skill = (project / ".claude/skills/new-fixture/SKILL.md").read_text()
    named = re.search(r"in `([A-Z_]+)` of `(test/[\w/.-]+)`", skill)
    if answers_of(project).get("event_source") == "cron":
        assert not named, "a cron Worker has one scheduled event and no fixture table"
        return
    assert named, "the new-fixture skill names the table that holds each fixture's expected answer"
    table, file = named.groups()
    # `const EXPECTED = {` in JavaScript, `const EXPECTED: Record<…> = {` in TypeScript
    assert re.search(rf"^const {table}(: [^=]+)? = ", (project / file).read_text(), re.MULTILINE), f"{file} has no table {table}"


def test_the_routes_and_the_body_limit_are_the_ones_the_code_serves(project: Path) -> None:
    answers = answers_of(project)
    if answers["use_case"] != "json_api":
        pytest.skip("only the JSON API has a route table")
    skill = (project / ".claude/skills/add-route/SKILL.md").read_text()
    orders = (project / f"src/orders.{code_ext(project)}").read_text()
    routes = re.findall(r"`(GET|POST|PUT|PATCH|DELETE) (/[\w/{}-]*)`", skill.split("The routes today:", 1)[1].split("\n", 1)[0])
    assert routes, "the skill lists today's routes"
    for method, path in routes:
        assert re.search(rf"method: '{method}',\s*path: '{re.escape(path)}'", orders), f"{method} {path} is not in src/orders"
    served = re.findall(r"method: '([A-Z]+)',\s*path: '([^']+)'", orders)
    assert sorted(served) == sorted(routes), "the skill names every route, and only those"
    limit_kib = int(re.search(r"413 over (\d+) KiB", skill).group(1))
    if answers["platform"] == "lambda":
        configured = yaml_config(project)["Resources"]["Function"]["Properties"]["Environment"]["Variables"]["MAX_BODY_BYTES"]
    else:
        configured = jsonc(project / "wrangler.jsonc")["vars"]["MAX_BODY_BYTES"]
    assert limit_kib * 1024 == int(configured)


SIGNED_BASE = {"stripe": "`<t>.<raw body>`", "github": "the raw body alone", "standard_webhooks": "`<id>.<timestamp>.<raw body>`"}


def test_the_signature_base_is_the_one_the_provider_signs(project: Path) -> None:
    answers = answers_of(project)
    if answers["use_case"] != "webhook":
        pytest.skip("no webhook signature")
    scheme = answers["signature_scheme"]
    texts = claude_texts(project)
    assert SIGNED_BASE[scheme] in texts["AGENTS.md"] + texts[".claude/rules/handler-contracts.md"]
    for other, base in SIGNED_BASE.items():
        if other != scheme:
            assert not [name for name, text in texts.items() if base in text], f"{other}'s signature base is stated for {scheme}"
    if answers["platform"] == "lambda" and scheme == "stripe":
        # The code verifies what the text says: the HMAC runs over `<t>.` followed by the raw body bytes
        # (the webhook tests sign with Stripe's own library, so the code is proven against the provider).
        verify = (project / "src/lib/signatures.mjs").read_text().split("async function verifyStripe", 1)[1].split("\n}\n", 1)[0]
        assert "concat(encoder.encode(`${timestamp}.`), body)" in verify


def test_names_stack_worker_region_and_delete_command_match_the_config(project: Path) -> None:
    answers = answers_of(project)
    texts = claude_texts(project)
    read_logs = texts[".claude/skills/read-logs/SKILL.md"]
    if answers["platform"] == "lambda":
        samconfig = (project / "samconfig.toml").read_text()
        stack = re.search(r'^stack_name = "([^"]+)"', samconfig, re.MULTILINE).group(1)
        region = re.search(r'^region = "([^"]+)"', samconfig, re.MULTILINE).group(1)
        assert f"sam logs --stack-name {stack} --region {region}" in read_logs
        assert f"sam delete --stack-name {stack} --region {region}" in texts["AGENTS.md"]
    else:
        name = jsonc(project / "wrangler.jsonc")["name"]
        assert f"npx wrangler tail {name} " in read_logs
        assert f"npx wrangler delete --name {name}" in texts["AGENTS.md"]


def test_the_cold_start_skill_states_this_functions_log_level_memory_and_log_group(project: Path) -> None:
    answers = answers_of(project)
    skill = (project / ".claude/skills/cold-start/SKILL.md").read_text()
    if answers["platform"] == "workers":
        assert "wrangler check startup" in skill and "npm run validate" in skill
        assert jsonc(project / "wrangler.jsonc")["observability"]["enabled"] is True, "the skill reads Workers Logs"
        return
    config = yaml_config(project)
    function = config["Resources"]["Function"]["Properties"]
    assert f"`SystemLogLevel: {function['LoggingConfig']['SystemLogLevel']}`" in skill
    assert function["LoggingConfig"]["SystemLogLevel"] == "WARN", "the skill says REPORT lines are left out; update it with the level"
    assert f"at {function['MemorySize']} MB" in skill
    assert function.get("Tracing") == "Active", "the skill points at the X-Ray Initialization subsegment"
    assert "FunctionLogGroupName" in config["Outputs"] and "`FunctionLogGroupName`" in skill
    assert f"--region {answers['aws_region']} " in skill


def test_the_iam_grant_named_is_the_one_the_caller_needs(project: Path) -> None:
    answers = answers_of(project)
    text = "\n".join(claude_texts(project).values())
    if answers["platform"] != "lambda":
        assert "lambda:InvokeFunctionUrl" not in text and "execute-api:Invoke" not in text
        return
    # A function URL is no API Gateway API: callers need lambda:InvokeFunctionUrl, never execute-api:Invoke.
    right, wrong = ("lambda:InvokeFunctionUrl", "execute-api:Invoke") if answers["event_source"] == "function_url" else ("execute-api:Invoke", "lambda:InvokeFunctionUrl")
    assert wrong not in text
    if answers.get("auth") == "iam":
        assert f"`{right}`" in claude_texts(project)["AGENTS.md"]
        if answers["event_source"] == "function_url":
            assert yaml_config(project)["Resources"]["Function"]["Properties"]["FunctionUrlConfig"]["AuthType"] == "AWS_IAM"
