"""The quoting filters and answer checks of hooks/answer_filters.py, against the formats'
own parsers: every character must come back exactly as it went in."""

from __future__ import annotations

import re
import shlex
import sys
import tomllib

import pytest
import yaml
from markdown_it import MarkdownIt

from hooks.answer_filters import (
    AnswerRefused,
    aws_tag_problem,
    aws_tag_value,
    forbidden_in_text,
    md_text,
    sam_cli_tags,
    shell_quote,
    toml_str,
    yaml_str,
)

#: Every character of the Basic Multilingual Plane except surrogates, and some beyond it.
EVERY_CHARACTER = [chr(code) for code in range(0x10000) if not 0xD800 <= code <= 0xDFFF] + [
    "\U0001F600", "\U0001F468\u200D\U0001F469\u200D\U0001F467", "\U000E0067", "\U0010FFFD",
]
HOSTILE = [
    'Jane "JJ" Doe', "CORP\\payments", "a: b", "x #comment", "${{ secrets.TOKEN }}", "<script>alert(1)</script>",
    "{{ 7*7 }} {% if %}", "'single' \"double\"", "- item", "1. first", "# heading", "| cell |", "`code`",
    "@~/.aws/credentials", "@README.md", "see @docs/notes.md too", "trailing \\", "\\\"", "tab\there", "line\nbreak", "\r\n", "\x00\x7f\x85",
    "\u2028\u2029\ufeff\u202e", "Zoë Ærø 😀", "[link](https://example.com) ![img](x)", "&amp; &#x41;",
    "*em* _em_ **strong** ~~strike~~", "$x$", "<!-- hidden", "   padded   ", "",
]
COMMONMARK = MarkdownIt("commonmark").enable(["table", "strikethrough"])


def chunks(items: list[str], size: int = 64) -> list[str]:
    """The characters joined into strings, so each parser call checks many at once."""
    return ["x" + "".join(items[i:i + size]) + "x" for i in range(0, len(items), size)]


@pytest.mark.parametrize("value", HOSTILE + chunks(EVERY_CHARACTER))
def test_yaml_str_round_trips_on_one_line(value: str) -> None:
    scalar = yaml_str(value)
    assert "\n" not in scalar and "\r" not in scalar
    assert yaml.safe_load(f"key: {scalar}  # a comment after it\n") == {"key": value}


def test_tojson_is_no_yaml_serialiser() -> None:
    """Why template.yaml no longer uses tojson: YAML reads JSON's surrogate escapes apart."""
    from jinja2 import Environment

    rendered = Environment().from_string("{{ value | tojson }}").render(value="😀")
    assert yaml.safe_load(f"key: {rendered}")["key"] != "😀"
    assert yaml.safe_load(f"key: {yaml_str('😀')}")["key"] == "😀"


@pytest.mark.parametrize("value", HOSTILE + chunks(EVERY_CHARACTER))
def test_toml_str_round_trips(value: str) -> None:
    assert tomllib.loads(f"key = {toml_str(value)} # a comment after it\n") == {"key": value}


@pytest.mark.parametrize("value", HOSTILE)
def test_shell_quote_is_one_word(value: str) -> None:
    assert shlex.split(f"echo {shell_quote(value)}") == ["echo", value]


def rendered_text(markdown: str) -> tuple[str, list[str]]:
    """The plain text CommonMark renders from ``markdown`` and every token type it made."""
    tokens = COMMONMARK.parse(markdown)
    types = [token.type for token in tokens]
    text = []
    for token in tokens:
        for child in token.children or []:
            types.append(child.type)
            if child.type in {"text", "code_inline"}:
                text.append(child.content)
    return "".join(text), types


#: What Claude Code reads as a file import in CLAUDE.md (and the files it imports).
CLAUDE_IMPORT = re.compile(r"(?:^|\s)@((?:[^\s\\]|\\ )+)")


#: What a free-text answer may be (the validators refuse the rest); Markdown drops
#: leading and trailing spaces of a line itself, so the values have none.
MARKDOWN_VALUES = [v for v in HOSTILE if v and v == v.strip() and not any(map(forbidden_in_text, v))] + chunks(
    [c for c in EVERY_CHARACTER[:0x3000] if not forbidden_in_text(c) and not c.isspace()])


@pytest.mark.parametrize("value", MARKDOWN_VALUES)
@pytest.mark.parametrize("context", ["{}", "# Heading: {}", "- **Owner**: {}", "| a | b |\n|---|---|\n| {} | {} |"])
def test_md_text_renders_as_exactly_the_text(value: str, context: str) -> None:
    markdown = context.replace("{}", md_text(value))
    plain, types = rendered_text(markdown)
    clean_plain, clean_types = rendered_text(context.replace("{}", "CLEAN"))
    assert types == clean_types, f"{value!r} changed the Markdown structure of {markdown!r}"
    assert plain == clean_plain.replace("CLEAN", value)
    assert not CLAUDE_IMPORT.search(markdown), f"Claude Code would import a file from {markdown!r}"


@pytest.mark.parametrize(
    "value, allowed",
    [
        ("payments-team@acme.test", True),
        ("Zoë Ærø: ops/payments = team+1 _x_", True),
        ("٣ 漢字 Ωmega", True),
        ('Jane "JJ" Doe', False),
        ("CORP\\payments", False),
        ("O'Brien", False),
        ("a#b", False),
        ("team 😀", False),
        ("x" * 256, True),
        ("x" * 257, False),
    ],
)
def test_aws_tag_problem_follows_the_aws_tag_pattern(value: str, allowed: bool) -> None:
    assert (aws_tag_problem(value, "owner") == "") is allowed
    if not allowed:
        assert aws_tag_problem(value, "owner").startswith("owner becomes an AWS tag value")
        with pytest.raises(AnswerRefused, match="owner becomes an AWS tag value"):
            aws_tag_value(value, "owner")


def test_sam_cli_tags_quote_values_and_refuse_what_sam_cannot_read() -> None:
    assert sam_cli_tags({"owner": "Jane Doe: ops = a+b", "managed-by": "copier-serverless"}) == (
        'owner="Jane Doe: ops = a+b" managed-by="copier-serverless"'
    )
    with pytest.raises(AnswerRefused):
        sam_cli_tags({"owner": 'Jane "JJ" Doe'})


def test_the_module_needs_nothing_that_copier_does_not_bring() -> None:
    """Hooks run in the user's copier environment: only the standard library, Jinja, PyYAML."""
    import hooks.answer_filters as module

    imported = {name.split(".")[0] for name in re.findall(r"^(?:from|import) ([\w.]+)", open(module.__file__).read(), re.M)}
    assert imported - set(sys.stdlib_module_names) <= {"__future__", "yaml", "jinja2"}
