"""Compare renders of two template versions, one hash per rendered tree.

    .venv/bin/python -m tests.support.tree_hashes <git ref> [more answer sets as JSON]

renders every combination the catalogue allows (JSON APIs also with CORS, and both
platforms with CI off and MCP on) and the tests' named answer sets, once with the
template at <git ref> and once with the working tree, and prints a table: per answer
set the number of files and the hash of the tree (paths, executable bits, contents).
A layout change that must not change what users get shows "=" on every row. Both
versions render from the same folder, so `_src_path` in the answers file agrees.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
import warnings
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

from hooks.variants import combinations
from tests.support.git_history import TEMPLATE_PARTS, template_files
from tests.support.matrix import CLAUDE_CODE_SETS, LAMBDA_JSON_API_SETS, required_answers
from tests.support.render import TEMPLATE_ROOT

#: Top-level template parts under their names in earlier versions too.
PARTS_EVER = (*TEMPLATE_PARTS, "prompts")


def answer_sets() -> dict[str, dict[str, Any]]:
    sets: dict[str, dict[str, Any]] = {}
    for combination in combinations():
        sets[combination.id] = required_answers(combination)
        if combination.use_case == "json_api":
            sets[f"{combination.id}+cors"] = {**required_answers(combination), "cors_origins": "https://app.example.com"}
    sets["lambda-no-ci-mcp"] = {"with_ci": False, "with_mcp": True}
    sets["workers-no-ci-mcp"] = {"platform": "workers", "with_ci": False, "with_mcp": True}
    sets.update({f"json_api:{name}": answers for name, answers in LAMBDA_JSON_API_SETS.items()})
    sets.update({f"claude:{name}": answers for name, answers in CLAUDE_CODE_SETS.items()})
    return sets


def tree_hash(root: Path) -> tuple[str, int]:
    lines = []
    for folder, names, files in os.walk(root):
        lines += [f"D {Path(folder, name).relative_to(root)}" for name in names]
        for name in files:
            path = Path(folder, name)
            mode = "x" if os.access(path, os.X_OK) else "-"
            lines.append(f"F {path.relative_to(root)} {mode} {hashlib.sha256(path.read_bytes()).hexdigest()}")
    return hashlib.sha256("\n".join(sorted(lines)).encode()).hexdigest()[:16], sum(line[0] == "F" for line in lines)


def _render(job: tuple[str, str, dict[str, Any]]) -> tuple[str, tuple[str, int]]:
    import copier

    warnings.filterwarnings("ignore")
    template, name, answers = job
    with tempfile.TemporaryDirectory() as destination:
        try:
            copier.run_copy(template, f"{destination}/p", data=answers, defaults=True, unsafe=True, quiet=True)
        except Exception as error:  # reported in the table, not fatal: the other version may render it
            return name, (f"error: {str(error)[:60]}", 0)
        return name, tree_hash(Path(destination, "p"))


def export(ref: str, destination: Path) -> None:
    listed = subprocess.run(["git", "ls-tree", "--name-only", ref], cwd=TEMPLATE_ROOT, capture_output=True, text=True, check=True)
    parts = [part for part in listed.stdout.split() if part in PARTS_EVER]
    archive = subprocess.run(["git", "archive", "--format=tar", ref, *parts], cwd=TEMPLATE_ROOT, capture_output=True, check=True)
    with tarfile.open(fileobj=io.BytesIO(archive.stdout)) as tar:
        tar.extractall(destination, filter="tar")


def working_tree(destination: Path) -> None:
    for relative in template_files():
        (destination / relative).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(TEMPLATE_ROOT / relative, destination / relative)


def main(ref: str, extra: dict[str, dict[str, Any]]) -> int:
    sets = {**answer_sets(), **extra}
    results: dict[str, dict[str, tuple[str, int]]] = {}
    with tempfile.TemporaryDirectory() as scratch:
        template = Path(scratch, "template")
        for label, fill in (("before", lambda path: export(ref, path)), ("after", working_tree)):
            shutil.rmtree(template, ignore_errors=True)
            template.mkdir()
            fill(template)
            with ProcessPoolExecutor(2) as pool:
                for name, result in pool.map(_render, [(str(template), name, answers) for name, answers in sets.items()]):
                    results.setdefault(name, {})[label] = result
    print(f"| answer set | files | {ref[:10]} | working tree | same |\n|---|---|---|---|---|")
    for name, result in results.items():
        (before, count), (after, _) = result["before"], result["after"]
        print(f"| {name} | {count} | {before} | {after} | {'=' if result['before'] == result['after'] else 'DIFFERENT'} |")
    same = sum(result["before"] == result["after"] for result in results.values())
    print(f"\n{same} of {len(results)} renders identical")
    return 0 if same == len(results) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], json.loads(sys.argv[2]) if len(sys.argv) > 2 else {}))
