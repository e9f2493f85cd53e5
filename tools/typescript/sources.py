"""The template's JavaScript sources that have a derived TypeScript twin.

Those are the code files (hooks/variants.py LANGUAGE_FOLDERS, without the deploy gate's
GATE_SCRIPTS) that some TypeScript case renders, and the Jinja macros they import.
Which template file gives which output is Copier's business (file names carry Jinja
conditions), so this asks Copier: it renders every TypeScript combination from a copy of
the template in which each code file says only its own name, and reads the names back.

    python tools/typescript/sources.py        # one template-relative path a line
"""

from __future__ import annotations

import re
import shutil
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import copier

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from hooks import variants  # noqa: E402

TEMPLATE = ROOT / "template"
MARK = "derive-typescript-source: "
MACRO_IMPORT = re.compile(r"""(?:from|import)\s+'template/(_macros/[\w-]+\.jinja)'""")


def is_code_source(relative: str) -> bool:
    """A `.mjs` or `.mjs.jinja` file of a language folder, outside the deploy gate."""
    name = re.sub(r"\{%.*?%\}", "", relative)  # `src/{% if is_lambda %}config.mjs{% endif %}.jinja`
    if not re.search(r"\.mjs(\.jinja)?$", name) or relative.split("/")[0] not in variants.LANGUAGE_FOLDERS:
        return False
    gate = [path.removesuffix("/**") for path in variants.GATE_SCRIPTS]
    return not any(relative == path or relative.startswith(path + "/") for path in gate)


def typescript_combinations() -> Iterator[variants.Combination]:
    for combination in variants.combinations():
        if combination.language == "typescript":
            yield combination


def marked_copy(destination: Path) -> Path:
    """The template with each code source replaced by a line naming it."""
    shutil.copytree(ROOT, destination, ignore=shutil.ignore_patterns(".git", ".venv", ".cache", "node_modules", "tools", "tests", "bench"))
    for path in (destination / "template").rglob("*"):
        relative = path.relative_to(destination / "template").as_posix()
        if path.is_file() and is_code_source(relative):
            line = MARK + relative
            path.write_text("{% raw %}" + line + "{% endraw %}\n" if relative.endswith(".jinja") else line + "\n")
    return destination


def typescript_sources() -> list[str]:
    """Template-relative paths of the sources to derive, sorted."""
    found: set[str] = set()
    with tempfile.TemporaryDirectory(prefix="ts-sources-") as scratch:
        template = marked_copy(Path(scratch) / "template-copy")
        for combination in typescript_combinations():
            answers = {**combination.answers(), "language": "javascript"}
            if combination.auth == "none":
                answers["public_until"] = "2099-12-31"
            if combination.use_case == "json_api":
                answers["cors_origins"] = "https://app.example.com"  # src/lib/cors.mjs comes with CORS only
            output = Path(scratch) / combination.id
            copier.run_copy(str(template), str(output), data=answers, defaults=True, unsafe=True, quiet=True)
            for path in output.rglob("*.mjs"):
                text = path.read_text()
                if text.startswith(MARK):
                    found.add(text.removeprefix(MARK).strip())
    for source in list(found):
        found.update(MACRO_IMPORT.findall((TEMPLATE / source).read_text()))
    return sorted(found)


if __name__ == "__main__":
    print("\n".join(typescript_sources()))
