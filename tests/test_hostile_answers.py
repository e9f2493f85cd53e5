"""Hostile answers render as data, never as syntax.

Each combination is rendered twice: once with plain answers and once with answers full of
what breaks files (quotes, backslashes, ": ", " #", "${{ … }}", "<>", Jinja-looking text,
Markdown and Claude Code import syntax, unicode). Every structured file of both renders is
parsed with its format's parser; the two must have the same keys (resources, properties,
front matter, Markdown blocks), and the hostile answers must come back from the parsed
hostile render exactly as given. cfn-lint stays clean.
"""

from __future__ import annotations

import json
import re
import shlex
import tomllib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from markdown_it import MarkdownIt

from tests.support.claude_code import front_matter
from tests.support.generated import cfn_lint, cfn_template
from tests.support.render import render, rendered_files
from tests.support.workers import read_jsonc

#: In every hostile answer, so a test can find each file an answer reached.
CANARY = "zqxcanary"

HOSTILE_NAME = f'{CANARY} "Q" \\ a: #c ${{{{x}}}}<i>{{{{y}}}}{{%z%}}|@~/.e 😀'
HOSTILE_DESCRIPTION = (
    f'- {CANARY} says "hi" \\ back: yes #no ${{{{ secrets.TOKEN }}}} <script>x</script> {{{{ 7*7 }}}} '
    "{% if 1 %}{% endif %} | a | `c` *e* [l](u) @~/.ssh/id_rsa 👨‍👩‍👧 Ünïcødé &amp; 'end'"
)
#: On Lambda the owner is an AWS tag value: only letters, digits, spaces and _ . : / = + - @.
HOSTILE_LAMBDA_OWNER = f"Zoë Ærø: {CANARY}/ops = team+1 @acme.test _x_"
HOSTILE_WORKERS_OWNER = f"Jane \"JJ\" O'Brien \\ CORP\\{CANARY}: #1 ${{{{ github.token }}}} <b>{{{{ owner }}}}</b> | @~/.aws/x"

#: No clean answer is part of another, so each is counted on its own.
CLEAN = {"project_name": f"Clean {CANARY} name", "description": f"Clean {CANARY} text", "owner": f"clean-{CANARY}@acme.test"}

COMBINATIONS: dict[str, dict[str, Any]] = {
    "lambda-json-api-public-cors": {"auth": "none", "public_until": "2099-01-31", "cors_origins": "https://app.example.com"},
    "lambda-function-url-public-reserved": {"event_source": "function_url", "auth": "none", "public_until": "2099-01-31", "reserved_concurrency": 5},
    "lambda-webhook": {"use_case": "webhook"},
    "lambda-sqs": {"use_case": "queue_consumer", "reserved_concurrency": 3},
    "workers-json-api-public": {"platform": "workers", "auth": "none", "public_until": "2099-01-31", "cors_origins": "https://app.example.com"},
    "workers-webhook": {"platform": "workers", "use_case": "webhook"},
}


def hostile_answers(combination: dict[str, Any]) -> dict[str, str]:
    lambda_platform = combination.get("platform", "lambda") == "lambda"
    return {
        "project_name": HOSTILE_NAME,
        "description": HOSTILE_DESCRIPTION,
        "owner": HOSTILE_LAMBDA_OWNER if lambda_platform else HOSTILE_WORKERS_OWNER,
    }


@pytest.fixture(scope="module")
def renders(tmp_path_factory: pytest.TempPathFactory) -> Callable[[str], tuple[Path, Path]]:
    """(clean, hostile) renders of a combination, each rendered once per module."""
    cache: dict[str, tuple[Path, Path]] = {}

    def _renders(name: str) -> tuple[Path, Path]:
        if name not in cache:
            combination = {**COMBINATIONS[name], "project_slug": "hostile-answers"}
            root = tmp_path_factory.mktemp(name)
            cache[name] = (
                render(root / "clean", **combination, **CLEAN),
                render(root / "hostile", **combination, **hostile_answers(combination)),
            )
        return cache[name]

    return _renders


# ------------------------------------------------------------------ parsing --

COMMONMARK = MarkdownIt("commonmark").enable(["table", "strikethrough"])
#: What Claude Code reads as a file import in CLAUDE.md and the files it imports.
CLAUDE_IMPORT = re.compile(r"(?:^|\s)@((?:[^\s\\]|\\ )+)")


def parse(path: Path) -> Any:
    """A structured file as its format's parser reads it."""
    name = path.name
    if name == "template.yaml":
        return cfn_template(path.parent)
    if name.endswith((".yaml", ".yml")):
        return yaml.safe_load(path.read_text())
    if name.endswith(".jsonc"):
        return read_jsonc(path)
    if name.endswith(".json"):
        return json.loads(path.read_text())
    if name.endswith(".toml"):
        return tomllib.loads(path.read_text())
    if name.endswith(".md"):
        return parse_markdown(path)
    raise AssertionError(f"{path.name}: an answer landed in a file no test parses")


def parse_markdown(path: Path) -> dict[str, Any]:
    """Front matter (YAML), the Markdown token types, the rendered plain text, the imports."""
    text = path.read_text()
    meta: Any = None
    if text.startswith("---\n"):
        meta, _, text = front_matter(path)
    tokens = COMMONMARK.parse(text)
    types, plain = [], []
    for token in tokens:
        types.append(token.type)
        if token.type in {"fence", "code_block", "html_block"}:
            plain.append(token.content)
        for child in token.children or []:
            types.append(child.type)
            if child.type in {"text", "code_inline", "html_inline"}:
                plain.append(child.content)
        if token.type == "inline":
            plain.append("\n")
    imports = [match for match in CLAUDE_IMPORT.findall(strip_code(text))]
    return {"front_matter": meta, "blocks": types, "text": "".join(plain), "imports": imports}


def strip_code(markdown: str) -> str:
    """Markdown without code blocks and code spans, where Claude Code resolves no imports."""
    without_blocks = re.sub(r"^```.*?^```", "", markdown, flags=re.S | re.M)
    return re.sub(r"(`+).*?\1", "", without_blocks)


def shape(value: Any) -> Any:
    """Keys and value types, without the values: what an injection would change."""
    if isinstance(value, dict):
        return {key: shape(item) for key, item in value.items()}
    if isinstance(value, list):
        return [shape(item) for item in value]
    return type(value).__name__


def strings(value: Any) -> Iterator[str]:
    if isinstance(value, dict):
        for key, item in value.items():
            yield str(key)
            yield from strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from strings(item)
    elif isinstance(value, str):
        yield value


def structured_files(project: Path) -> dict[str, Path]:
    """Every file a hostile answer reached (found by the canary), by relative path."""
    found = {}
    for path in rendered_files(project):
        if CANARY in path.read_text(errors="replace"):
            found[str(path.relative_to(project))] = path
    return found


# -------------------------------------------------------------------- tests --


@pytest.mark.parametrize("name", sorted(COMBINATIONS))
def test_hostile_answers_reach_the_same_files_with_the_same_structure(name: str, renders: Callable[[str], tuple[Path, Path]]) -> None:
    clean, hostile = renders(name)
    clean_files, hostile_files = structured_files(clean), structured_files(hostile)
    assert set(hostile_files) == set(clean_files), "a hostile answer reached other files than a clean one"
    assert {"README.md", "AGENTS.md", "DEPLOY_CHECKLIST.md", ".copier-answers.yml", "package.json"} <= set(hostile_files)
    for relative, path in hostile_files.items():
        parsed, clean_parsed = parse(path), parse(clean_files[relative])
        if relative.endswith(".md"):
            assert shape(parsed["front_matter"]) == shape(clean_parsed["front_matter"]), relative
            assert parsed["blocks"] == clean_parsed["blocks"], f"{relative}: a hostile answer changed the Markdown structure"
            assert parsed["imports"] == clean_parsed["imports"], f"{relative}: Claude Code would import {parsed['imports']}"
        else:
            assert shape(parsed) == shape(clean_parsed), f"{relative}: a hostile answer changed the keys"


@pytest.mark.parametrize("name", sorted(COMBINATIONS))
def test_hostile_answers_come_back_exactly_from_every_file(name: str, renders: Callable[[str], tuple[Path, Path]]) -> None:
    """Wherever the clean render holds a clean answer, the parsed hostile render holds the hostile one."""
    clean, hostile = renders(name)
    answers = hostile_answers(COMBINATIONS[name])
    hostile_files = structured_files(hostile)
    for relative, clean_path in structured_files(clean).items():
        clean_parsed, parsed = parse(clean_path), parse(hostile_files[relative])
        clean_text = "\n".join(strings(clean_parsed))
        hostile_text = "\n".join(strings(parsed))
        for question, clean_value in CLEAN.items():
            expected = clean_text.count(clean_value)
            assert hostile_text.count(answers[question]) == expected, (
                f"{relative}: {question} should appear {expected} times, as given: {answers[question]!r}"
            )


@pytest.mark.parametrize("name", sorted(n for n in COMBINATIONS if n.startswith("lambda")))
def test_hostile_answers_keep_the_sam_template_clean_and_tag_every_resource_with_the_owner(
    name: str, renders: Callable[[str], tuple[Path, Path]]
) -> None:
    _, hostile = renders(name)
    lint = cfn_lint(hostile / "template.yaml")
    assert lint.returncode == 0, lint.stdout
    template = cfn_template(hostile)
    assert template["Description"] == f"{HOSTILE_NAME} - {HOSTILE_DESCRIPTION}"
    assert template["Resources"]["Function"]["Properties"]["Description"] == HOSTILE_DESCRIPTION
    owner_tags = []
    for resource in template["Resources"].values():
        tags = resource.get("Properties", {}).get("Tags")
        if isinstance(tags, dict):
            owner_tags.append(tags["owner"])
        elif isinstance(tags, list):
            owner_tags += [tag["Value"] for tag in tags if tag["Key"] == "owner"]
    assert owner_tags and set(owner_tags) == {HOSTILE_LAMBDA_OWNER}


@pytest.mark.parametrize("name", sorted(n for n in COMBINATIONS if n.startswith("lambda")))
def test_samconfig_tags_carry_the_owner_as_sam_cli_reads_them(name: str, renders: Callable[[str], tuple[Path, Path]]) -> None:
    _, hostile = renders(name)
    config = tomllib.loads((hostile / "samconfig.toml").read_text())["dev"]["deploy"]["parameters"]
    assert config["stack_name"] == "hostile-answers-dev"
    # SAM CLI reads key="value" pairs separated by spaces; a tag value holds no quotes or
    # backslashes, so shell-style splitting reads them the same way.
    tags = dict(pair.split("=", 1) for pair in shlex.split(config["tags"]))
    assert tags == {"owner": HOSTILE_LAMBDA_OWNER, "managed-by": "copier-serverless"}


def test_the_checklist_script_reads_a_quoted_owner_back_from_the_answers_file(renders: Callable[[str], tuple[Path, Path]]) -> None:
    """scripts/check.mjs reads .copier-answers.yml without a YAML library."""
    import subprocess

    _, hostile = renders("workers-webhook")
    result = subprocess.run(["node", "scripts/check.mjs", "--skip-tests"], cwd=hostile, capture_output=True, text=True, timeout=120)
    assert f"owner is {HOSTILE_WORKERS_OWNER}" in result.stdout, result.stdout
