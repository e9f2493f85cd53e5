"""Helpers for the Workers renders: wrangler.jsonc, its schema and the first fixture."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any


def read_jsonc(path: Path) -> Any:
    """wrangler.jsonc as rendered: JSON plus whole-line // comments, nothing else."""
    lines = [line for line in path.read_text().splitlines() if not line.lstrip().startswith("//")]
    return json.loads("\n".join(lines))


def wrangler_schema(project: Path) -> dict[str, Any]:
    """The config schema that ships inside the project's pinned wrangler package."""
    return json.loads((project / "node_modules" / "wrangler" / "config-schema.json").read_text())


def first_fixture_of(project: Path) -> str:
    """The fixture the README and `copier copy`'s message tell the owner to invoke first."""
    match = re.search(r"npm run invoke -- events/([\w.-]+\.json)", (project / "README.md").read_text())
    assert match, "README.md names no first fixture"
    return match.group(1)
