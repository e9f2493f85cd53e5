"""Render time of this template against a plain `copier copy` of a minimal template with
the same number of files, measured alternately in one run; prints the ratio.

    .venv/bin/python bench/render_time.py [rounds]
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from pathlib import Path

import copier

ROOT = Path(__file__).resolve().parents[1]


def plain_template(folder: Path, files: int) -> Path:
    """A template without extensions or conditions: the floor for a copier copy."""
    template = folder / "plain-template"
    (template / "template").mkdir(parents=True)
    (template / "copier.yml").write_text("_subdirectory: template\nname:\n  type: str\n  default: demo\n")
    for index in range(files):
        (template / "template" / f"file{index}.txt.jinja").write_text("{{ name }}\n" * 20)
    for command in (["git", "init", "-q"], ["git", "add", "-A"], ["git", "commit", "-qm", "plain"]):
        subprocess.run(command, cwd=template, check=True, capture_output=True)
    return template


def timed_copy(template: Path, destination: Path) -> float:
    started = time.perf_counter()
    copier.run_copy(str(template), str(destination), defaults=True, unsafe=True, quiet=True)
    return time.perf_counter() - started


def main() -> None:
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    with tempfile.TemporaryDirectory() as folder:
        base = Path(folder)
        first = base / "first"
        timed_copy(ROOT, first)
        files = sum(1 for path in first.rglob("*") if path.is_file())
        plain = plain_template(base, files)
        ours, theirs = 0.0, 0.0
        for index in range(rounds):
            ours += timed_copy(ROOT, base / f"ours-{index}")
            theirs += timed_copy(plain, base / f"plain-{index}")
        print(f"files rendered: {files}, rounds: {rounds}")
        print(f"copier-serverless defaults: {ours / rounds * 1000:.0f} ms per copy")
        print(f"plain template, same files: {theirs / rounds * 1000:.0f} ms per copy")
        print(f"ratio ours/plain: {ours / theirs:.2f}")


if __name__ == "__main__":
    main()
