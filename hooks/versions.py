"""What the after-copy and after-update messages say about versions and the update.

Template versions are git tags ``vX.Y.Z`` (CONTRIBUTING.md, "Releasing"). Copier records
``git describe --tags --always`` as ``_commit``: the tag itself for a release,
``v1.2.0-3-g1a2b3c4`` for a commit after one, and a bare commit hash when the template
has no tag at all. For the last two it prints a version such as
``0.0.0.post11.dev0+da26e09`` ("Keeping template version …"), which reads like a broken
release; :func:`release_note` says what it is.

:func:`update_outcome` reads the project's git state after ``copier update``, so the
message lists the conflicted files, or stays short when there are none. It only reads
(``git status``), inside the project.
"""

from __future__ import annotations

import re
import subprocess
import textwrap
from dataclasses import dataclass, field
from pathlib import Path

RELEASE = re.compile(r"v\d+\.\d+\.\d+")
AFTER_RELEASE = re.compile(r"(v\d+\.\d+\.\d+)-(\d+)-g[0-9a-f]+")


def release_note(commit: str) -> str:
    """"" for a release tag; otherwise one sentence on what the recorded version is."""
    commit = str(commit or "")
    if not commit or RELEASE.fullmatch(commit):
        return ""
    if match := AFTER_RELEASE.fullmatch(commit):
        tag, count = match.groups()
        commits = "commit" if count == "1" else "commits"
        return _wrapped(
            f"copier-serverless {commit} is {count} {commits} after the release {tag}, not a release. "
            "`copier update --trust` moves to the newest tag; add --vcs-ref=HEAD to follow unreleased commits."
        )
    return _wrapped(
        f"copier-serverless {commit} is not a release: this copy of the template has no tag vX.Y.Z yet, "
        f"so Copier calls it version 0.0.0.post<N>.dev0+{commit} (N counts its commits), and "
        "`copier update --trust` follows its newest commit until the first release."
    )


def _wrapped(text: str) -> str:
    return "\n".join(textwrap.wrap(text, width=78, break_on_hyphens=False))


@dataclass(frozen=True)
class UpdateOutcome:
    #: Whether the update changed any file (tracked or new).
    changed: bool
    #: Files with inline conflict markers (unmerged in git's index) and files with a `.rej` next to them.
    conflicts: list[str] = field(default_factory=list)


def update_outcome(project: object) -> UpdateOutcome:
    """What `copier update` left in ``project``: changes and conflicts, from `git status`."""
    status = subprocess.run(
        ["git", "status", "--porcelain", "--untracked-files=all", "--ignored=matching"],
        cwd=Path(str(project)), capture_output=True, text=True, check=False,
    )
    if status.returncode != 0:
        return UpdateOutcome(changed=True)
    lines = [line for line in status.stdout.splitlines() if line and not line.startswith("!! ") or line.endswith(".rej")]
    unmerged = [line[3:] for line in lines if line[:2] in {"UU", "AA", "DU", "UD", "AU", "UA", "DD"}]
    rejected = [line[3:].removesuffix(".rej") for line in lines if line.endswith(".rej")]
    return UpdateOutcome(changed=bool(lines), conflicts=sorted({*unmerged, *rejected}))
