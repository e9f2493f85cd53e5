"""Render time: `copier copy --defaults --trust` of this template against `copier copy` of
templates that do (almost) nothing, run alternately as the same CLI command.

Three templates, each a clean git repository with one commit in a temporary folder, so
that Copier takes the same path for all of them (a local `git clone`, then the render):

- ``ours``: a snapshot of this repository's working tree (tracked and untracked files that
  git does not ignore, so uncommitted template changes are measured as they are);
- ``trivial``: one question and one file: the floor of any `copier copy` (Python start,
  Copier's import, the clone, one render);
- ``same_files``: one question and as many plain Jinja files as the default project has,
  without extensions, conditions or a context hook.

    .venv/bin/python bench/render_time.py [rounds]
"""

from __future__ import annotations

import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
COPIER = Path(sys.executable).with_name("copier")
SKIPPED_PARTS = {".git", "node_modules"}


@dataclass(frozen=True)
class RenderTimes:
    """Seconds per `copier copy` for each template, one entry per round."""

    rounds: int
    files_rendered: int
    seconds: dict[str, list[float]]

    def median(self, name: str) -> float:
        return statistics.median(self.seconds[name])


def commit_all(folder: Path, message: str) -> None:
    """Make ``folder`` a git repository with everything in one commit."""
    identity = ["-c", "user.name=bench", "-c", "user.email=bench@localhost", "-c", "commit.gpgsign=false"]
    for command in (["init", "-q"], ["add", "-A"], [*identity, "commit", "-qm", message]):
        subprocess.run(["git", *command], cwd=folder, check=True, capture_output=True)


def snapshot_of_this_template(folder: Path) -> Path:
    """Copy the files git would see (tracked + untracked, not ignored) into a fresh repo."""
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    snapshot = folder / "ours"
    for relative in filter(None, listed.split("\0")):
        source = ROOT / relative
        if source.is_file():  # a tracked file deleted in the work tree is left out
            target = snapshot / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)
    commit_all(snapshot, "snapshot")
    return snapshot


def plain_template(folder: Path, name: str, files: int) -> Path:
    """A template without extensions or conditions: one question, ``files`` Jinja files."""
    template = folder / name
    (template / "template").mkdir(parents=True)
    (template / "copier.yml").write_text("_subdirectory: template\nname:\n  type: str\n  default: demo\n")
    for index in range(files):
        (template / "template" / f"file{index}.txt.jinja").write_text("{{ name }}\n" * 20)
    commit_all(template, name)
    return template


def copy_seconds(template: Path, destination: Path) -> float:
    """Wall time of the `copier copy` command a person types."""
    command = [str(COPIER), "copy", "--defaults", "--trust", "--quiet", str(template), str(destination)]
    started = time.perf_counter()
    subprocess.run(command, check=True, capture_output=True)
    return time.perf_counter() - started


def rendered_file_count(project: Path) -> int:
    return sum(1 for path in project.rglob("*") if path.is_file() and not SKIPPED_PARTS.intersection(path.parts))


@contextmanager
def templates() -> Iterator[tuple[Path, dict[str, Path], int]]:
    """The scratch folder, the three templates and how many files the default project has."""
    with tempfile.TemporaryDirectory(prefix="render-time-") as scratch:
        base = Path(scratch)
        ours = snapshot_of_this_template(base)
        first = base / "first"
        copy_seconds(ours, first)  # warm-up: file system cache, Python bytecode
        files = rendered_file_count(first)
        yield base, {"ours": ours, "trivial": plain_template(base, "trivial", 1), "same_files": plain_template(base, "same-files", files)}, files


def measure(rounds: int = 5) -> RenderTimes:
    """Each round copies every template once; the order rotates from round to round."""
    with templates() as (base, sources, files):
        names = list(sources)
        copy_seconds(sources["trivial"], base / "warm-trivial")
        seconds: dict[str, list[float]] = {name: [] for name in names}
        for round_index in range(rounds):
            for offset in range(len(names)):
                name = names[(round_index + offset) % len(names)]
                seconds[name].append(copy_seconds(sources[name], base / f"{name}-{round_index}"))
        return RenderTimes(rounds=rounds, files_rendered=files, seconds=seconds)


def main() -> None:
    times = measure(int(sys.argv[1]) if len(sys.argv) > 1 else 5)
    print(f"files in the default project: {times.files_rendered}, rounds: {times.rounds}")
    for name in times.seconds:
        print(f"{name:>10}: {times.median(name) * 1000:.0f} ms per copy (median)")


if __name__ == "__main__":
    main()
