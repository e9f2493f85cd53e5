"""Migration to template v1.0.0: from the v0.x layout to the current one.

The v0.x layout (the pre-release template) differed in two ways that an update must
carry over, because Copier alone would lose the owner's data:

* the AWS region was asked as ``region``; v1.0.0 calls it ``aws_region``. Without the
  rename the owner's region would silently fall back to the default.
* event fixtures lived in ``fixtures/``; v1.0.0 keeps them in ``events/`` like SAM.
  Copier deletes the folders a new version no longer renders, which would drop the
  owner's edits to the template's fixtures and strand the fixtures the owner added.

Copier runs this before it renders the new version (``when: _stage == 'before'``) and
only during ``copier update`` from a version older than 1.0.0 - never on ``copier copy``.
That includes a project copied from an untagged commit of the current layout (Copier
calls it 0.0.0.postN), so the migration first looks for the v0.x layout and, without
it, does nothing and prints nothing. It works in the project folder only (the current
directory), uses no network, and is idempotent: running it twice changes nothing the
second time.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

#: Old answer name -> new answer name.
RENAMED_ANSWERS = {"region": "aws_region"}
OLD_FIXTURES = Path("fixtures")
NEW_FIXTURES = Path("events")


def rename_answers(answers_file: Path, renames: dict[str, str]) -> list[str]:
    """Rename top-level keys in Copier's answers file, keeping comments and order.

    The answers file is flat YAML written by Copier (``key: value`` per line), so a
    line-based rename keeps it byte-for-byte otherwise. A key is left alone when the
    new name is already present (the rename happened before).
    """
    if not answers_file.is_file():
        return []
    lines = answers_file.read_text().splitlines(keepends=True)
    present = {match.group(1) for line in lines if (match := re.match(r"^([A-Za-z_][\w-]*):", line))}
    done = []
    for index, line in enumerate(lines):
        for old, new in renames.items():
            if line.startswith(f"{old}:") and new not in present:
                lines[index] = f"{new}:{line[len(old) + 1:]}"
                done.append(f"answer {old} -> {new}")
    if done:
        answers_file.write_text("".join(lines))
    return done


def is_tracked(project: Path, path: Path) -> bool:
    """Whether git tracks ``path`` (Copier reads the project's index during update)."""
    result = subprocess.run(
        ["git", "ls-files", "--error-unmatch", "--", str(path)],
        cwd=project,
        capture_output=True,
        check=False,
    )
    return result.returncode == 0


def move_fixtures(project: Path, old: Path, new: Path) -> list[str]:
    """Move every file under ``project/old`` to the same place under ``project/new``.

    Tracked files move with ``git mv`` so the move is in the index, which is what
    Copier compares with the old version. A file whose new path already exists stays
    where it is and is reported, so nothing is overwritten.
    """
    old_dir = project / old
    if not old_dir.is_dir():
        return []
    done = []
    for source in sorted(path.relative_to(project) for path in old_dir.rglob("*") if path.is_file()):
        target = new / source.relative_to(old)
        if (project / target).exists():
            done.append(f"kept {source} ({target} exists; merge them by hand)")
            continue
        (project / target).parent.mkdir(parents=True, exist_ok=True)
        if is_tracked(project, source):
            subprocess.run(["git", "mv", "--", str(source), str(target)], cwd=project, check=True)
        else:
            (project / source).rename(project / target)
        done.append(f"moved {source} -> {target}")
    for folder in sorted((p for p in old_dir.rglob("*") if p.is_dir()), reverse=True):
        if not any(folder.iterdir()):
            folder.rmdir()
    if not any(old_dir.iterdir()):
        old_dir.rmdir()
    return done


def has_old_layout(project: Path, answers_file: str) -> bool:
    """Whether ``project`` has the v0.x layout: a recorded ``region`` answer, or fixtures/
    without events/ (a Workers project of v0.x recorded no region). A fixtures/ folder next
    to events/ is the owner's own and stays."""
    answers = project / answers_file
    recorded = answers.read_text().splitlines() if answers.is_file() else []
    if any(re.match(rf"^{old}:", line) for line in recorded for old in RENAMED_ANSWERS):
        return True
    return (project / OLD_FIXTURES).is_dir() and not (project / NEW_FIXTURES).exists()


def migrate(project: Path, answers_file: str) -> list[str]:
    """Run every step of this migration in ``project``; return what was done."""
    if not has_old_layout(project, answers_file):
        return []
    done = rename_answers(project / answers_file, RENAMED_ANSWERS)
    done += move_fixtures(project, OLD_FIXTURES, NEW_FIXTURES)
    return done


def main(argv: list[str]) -> int:
    answers_file = argv[1] if len(argv) > 1 and argv[1] else ".copier-answers.yml"
    for line in migrate(Path.cwd(), answers_file):
        print(f"migration 1.0.0: {line}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
