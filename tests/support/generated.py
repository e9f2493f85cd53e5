"""Checks on a generated repo that several test files share."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import yaml

from tests.support.render import rendered_files

#: Jinja left in the output (a file name or its text). GitHub Actions' own ${{ … }}
#: expressions are not leftovers, and neither is JavaScript's closing "}}".
LEFTOVER = re.compile(r"(?<!\$)\{\{|\{%|\{#|\.jinja\b")


def assert_no_template_leftovers(project: Path) -> None:
    for path in rendered_files(project):
        relative = path.relative_to(project)
        text = path.read_text(errors="replace")
        assert not LEFTOVER.search(str(relative)), f"unrendered file name {relative}"
        match = LEFTOVER.search(text)
        assert match is None, f"{relative} has a Jinja leftover near {text[max(0, match.start() - 40):match.end() + 40]!r}"


def cfn_lint(template: Path) -> subprocess.CompletedProcess[str]:
    """cfn-lint with informational checks too, from the same environment as pytest."""
    return subprocess.run(
        [str(Path(sys.executable).with_name("cfn-lint")), "--include-checks", "I", "--", str(template)],
        capture_output=True,
        text=True,
    )


def cfn_template(project: Path) -> dict:
    """template.yaml with short-form tags kept as {"!Tag": value}, so ARNs can be checked."""

    class CfnLoader(yaml.SafeLoader):
        pass

    def tagged(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> dict[str, Any]:
        if isinstance(node, yaml.ScalarNode):
            value: Any = loader.construct_scalar(node)
        elif isinstance(node, yaml.SequenceNode):
            value = loader.construct_sequence(node, deep=True)
        else:
            value = loader.construct_mapping(node, deep=True)
        return {f"!{suffix}": value}

    CfnLoader.add_multi_constructor("!", tagged)
    return yaml.load((project / "template.yaml").read_text(), Loader=CfnLoader)
