"""Answers as data: what a free-text answer may hold, and how each file format quotes it.

Copier pastes answers into YAML, TOML, JSON, Markdown and shell text. Pasted as-is, an
answer becomes part of the file's syntax: a newline in ``owner`` ends a YAML comment and
starts a new key, a quote ends a TOML string. So every answer reaches a structured file
through that format's own serialiser (the filters below), and the validators in
``copier.yml`` refuse what no file should carry: line breaks, control and invisible
formatting characters, and, where an answer becomes an AWS tag value, characters that
AWS refuses in tags.

Hooks run inside the user's copier environment, so this module uses only the standard
library, Jinja and PyYAML (a dependency of copier itself). TOML basic strings are simple
enough to escape here; a TOML writer package would be one more thing every user must
install next to copier.

Loaded by ``_jinja_extensions`` in ``copier.yml``; the filters are available in every
template.
"""

from __future__ import annotations

import math
import re
import shlex
import unicodedata
from collections.abc import Mapping
from typing import Any

import yaml
from jinja2 import Environment
from jinja2.ext import Extension

# ------------------------------------------------------------ what is allowed --

#: Zero-width (non-)joiners are formatting characters too, but emoji and several
#: scripts need them; they cannot break a line or reorder text.
JOINERS = frozenset({"\u200c", "\u200d"})

#: Characters AWS accepts in tag values, besides letters, digits and spaces
#: (the documented pattern is ``^([\p{L}\p{Z}\p{N}_.:/=+\-@]*)$``).
AWS_TAG_SYMBOLS = frozenset("_.:/=+-@")
AWS_TAG_VALUE_MAX = 256

CHARACTER_NAMES = {"\n": "a newline", "\r": "a carriage return", "\t": "a tab"}


def forbidden_in_text(char: str) -> bool:
    """Line breaks, control characters, lone surrogates and invisible formatting characters.

    YAML treats U+0085, U+2028 and U+2029 as line breaks; bidirectional overrides
    (U+202E …) make a reader see other text than the file holds.
    """
    category = unicodedata.category(char)
    return category in {"Cc", "Cs", "Zl", "Zp"} or (category == "Cf" and char not in JOINERS)


def describe(char: str) -> str:
    """A character as a person can read it in a one-line error message."""
    if char in CHARACTER_NAMES:
        return CHARACTER_NAMES[char]
    if char.isprintable() and not char.isspace():
        return f"'{char}'"
    return f"U+{ord(char):04X} {unicodedata.name(char, '')}".rstrip()


def fits_aws_tag_value(char: str) -> bool:
    return char in AWS_TAG_SYMBOLS or unicodedata.category(char)[0] in {"L", "N", "Z"}


def aws_tag_problem(value: Any, question: str) -> str:
    """Why ``value`` cannot be an AWS tag value, or "" when it can."""
    text = str(value)
    for char in text:
        if not fits_aws_tag_value(char) or forbidden_in_text(char):
            return (
                f"{question} becomes an AWS tag value, so it may hold only letters, digits, spaces "
                f"and _ . : / = + - @ (found {describe(char)})"
            )
    if len(text) > AWS_TAG_VALUE_MAX:
        return f"{question} becomes an AWS tag value, so it must be at most {AWS_TAG_VALUE_MAX} characters (got {len(text)})"
    return ""


class AnswerRefused(ValueError):
    """An answer reached a file it cannot be written into (its validator was bypassed)."""


def aws_tag_value(value: Any, question: str) -> str:
    """``value`` unchanged when it is a valid AWS tag value; refuses to render otherwise.

    The questionnaire already refuses such answers; this keeps a template from writing
    a tag AWS would reject (or a SAM CLI tag string it would misread) if it ever
    receives one another way.
    """
    problem = aws_tag_problem(value, question)
    if problem:
        raise AnswerRefused(problem)
    return str(value)


# ------------------------------------------------------------ how each format quotes --


def yaml_str(value: Any) -> str:
    """A YAML double-quoted scalar holding exactly ``value``, on one line.

    PyYAML's emitter escapes what YAML cannot hold literally. JSON strings (``tojson``)
    are no substitute: YAML reads JSON's surrogate-pair escapes of an emoji as two lone
    surrogates.
    """
    scalar = yaml.dump(str(value), Dumper=yaml.SafeDumper, default_style='"', allow_unicode=True, width=math.inf)
    return scalar.removesuffix("\n")


TOML_ESCAPES = {'"': '\\"', "\\": "\\\\", "\b": "\\b", "\t": "\\t", "\n": "\\n", "\f": "\\f", "\r": "\\r"}


def toml_str(value: Any) -> str:
    """A TOML basic string holding exactly ``value`` (TOML 1.0: quote, backslash and
    control characters escaped, everything else literal UTF-8)."""
    out = []
    for char in str(value):
        if char in TOML_ESCAPES:
            out.append(TOML_ESCAPES[char])
        elif unicodedata.category(char) in {"Cc", "Cs"}:
            out.append(f"\\u{ord(char):04X}")
        else:
            out.append(char)
    return '"' + "".join(out) + '"'


#: Markdown (CommonMark + GitHub) syntax characters that can change the meaning of inline
#: text: code, emphasis, strikethrough, links, HTML, entities, tables, headings, math.
MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>&|~#$])")
#: Claude Code imports a file for "@path" at the start of the text or after whitespace
#: (in CLAUDE.md and what it imports); GitHub turns "@name" into a mention.
MARKDOWN_MENTION = re.compile(r"(^|\s)@")
#: A leading "-", "+", "=" or "1." would start a list or a heading underline.
MARKDOWN_BLOCK_START = re.compile(r"^(\s*)([-+=]|\d+(?=[.)]))")


def md_text(value: Any) -> str:
    """Inline Markdown that renders as exactly ``value`` and is nothing but text.

    Every character that could start Markdown syntax is backslash-escaped, which
    CommonMark renders as the character itself; an ``@`` that Claude Code would read as
    a file import is escaped the same way.
    """
    text = MARKDOWN_SPECIAL.sub(r"\\\1", str(value))
    text = MARKDOWN_MENTION.sub(r"\1\\@", text)
    match = MARKDOWN_BLOCK_START.match(text)
    if match:
        prefix, marker = match.groups()
        text = prefix + (marker + "\\" if marker[0].isdigit() else "\\" + marker) + text[match.end():]
    return text


def shell_quote(value: Any) -> str:
    """One POSIX shell word holding exactly ``value``."""
    return shlex.quote(str(value))


def sam_cli_tags(tags: Mapping[str, Any]) -> str:
    """The ``key="value" …`` string SAM CLI reads as stack tags (``--tags``, samconfig).

    SAM CLI's parser has no escape for a quote inside a quoted value, so every value
    must be a valid AWS tag value, which holds neither quotes nor backslashes.
    """
    return " ".join(f'{key}="{aws_tag_value(value, key)}"' for key, value in tags.items())


FILTERS = {
    "aws_tag_value": aws_tag_value,
    "yaml_str": yaml_str,
    "toml_str": toml_str,
    "md_text": md_text,
    "shell_quote": shell_quote,
    "sam_cli_tags": sam_cli_tags,
}


class AnswerFilters(Extension):
    """Jinja extension: adds :data:`FILTERS` to the environment Copier renders with."""

    def __init__(self, environment: Environment) -> None:
        super().__init__(environment)
        environment.filters.update(FILTERS)
