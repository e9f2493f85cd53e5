"""Real git history for `copier update` tests.

`copier update` compares the project with the template version recorded in its
`.copier-answers.yml` (`_commit`), so update tests need a template repository with
tags. These helpers copy this checkout's template files (tracked or not yet
committed, never ignored ones) into a temporary repository, commit and tag them,
and let a test change the template and tag again. Identities are set through the
environment so a CI machine without a git identity works.
"""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
import tarfile
from collections.abc import Callable, Iterable
from pathlib import Path

import copier
import pytest
import yaml

from tests.support.render import TEMPLATE_ROOT

#: Top-level parts of this checkout that are the template (the rest is tooling).
TEMPLATE_PARTS = ("copier.yml", "pins.toml", "hooks", "template", "prompt_parts")

GIT_ENV = {
    **os.environ,
    "GIT_AUTHOR_NAME": "Template Tester",
    "GIT_AUTHOR_EMAIL": "tester@example.com",
    "GIT_COMMITTER_NAME": "Template Tester",
    "GIT_COMMITTER_EMAIL": "tester@example.com",
    "GIT_CONFIG_NOSYSTEM": "1",
    # Tests must not read the developer's ~/.gitconfig (hooks, signing, templates).
    "GIT_CONFIG_GLOBAL": os.devnull,
}


def git(cwd: Path, *args: str, check: bool = True) -> str:
    """Run git in ``cwd`` with a fixed identity; return stdout."""
    result = subprocess.run(
        ["git", *args], cwd=cwd, env=GIT_ENV, capture_output=True, text=True, timeout=120
    )
    if check and result.returncode != 0:
        raise AssertionError(f"git {' '.join(args)} failed in {cwd}:\n{result.stdout}\n{result.stderr}")
    return result.stdout


def use_git_identity(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Give Copier's own git calls (it commits inside its temporary copies) an identity."""
    for key in ("GIT_AUTHOR_NAME", "GIT_AUTHOR_EMAIL", "GIT_COMMITTER_NAME", "GIT_COMMITTER_EMAIL",
                "GIT_CONFIG_NOSYSTEM", "GIT_CONFIG_GLOBAL"):
        monkeypatch.setenv(key, GIT_ENV[key])


def template_files(root: Path = TEMPLATE_ROOT) -> list[Path]:
    """This checkout's template files, committed or not, without git-ignored ones."""
    listed = git(root, "ls-files", "--cached", "--others", "--exclude-standard", "-z", "--", *TEMPLATE_PARTS)
    return sorted({Path(name) for name in listed.split("\0") if name and (root / name).is_file()})


def init_template_repo(destination: Path, root: Path = TEMPLATE_ROOT) -> Path:
    """Copy the current template into ``destination`` and make it a git repo (no commit yet)."""
    destination.mkdir(parents=True)
    for relative in template_files(root):
        target = destination / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(root / relative, target)
    git(destination, "init", "--quiet", "--initial-branch=main")
    return destination


def commit_and_tag(repo: Path, tag: str, message: str | None = None) -> None:
    """Commit everything in ``repo`` and tag it (an annotated tag, as releases are)."""
    git(repo, "add", "--all")
    git(repo, "commit", "--quiet", "--allow-empty", "-m", message or f"Template {tag}")
    git(repo, "tag", "--annotate", "-m", f"Release {tag}", tag)


def commit_all(repo: Path, message: str) -> None:
    """Commit every change in a generated project, as its owner would."""
    git(repo, "add", "--all")
    git(repo, "commit", "--quiet", "-m", message)


def init_project_repo(project: Path) -> None:
    """`git init` a freshly copied project and commit it (what the after-copy message says)."""
    git(project, "init", "--quiet", "--initial-branch=main")
    commit_all(project, "Start from copier-serverless")


def rewrite_files(root: Path, paths: Iterable[Path], change: Callable[[str], str]) -> None:
    """Apply ``change`` to the text of each file in ``paths`` (relative to ``root``)."""
    for relative in paths:
        path = root / relative
        text = path.read_text()
        changed = change(text)
        if changed != text:
            path.write_text(changed)


def conflict_marker_lines(text: str) -> list[str]:
    """The lines of ``text`` that are git merge conflict markers."""
    return [line for line in text.splitlines() if re.match(r"^(<{7}|={7}|>{7})( |$)", line)]


#: Path parts that render to the fixtures folder: plain `events` or `{% if … %}events{% endif %}`.
EVENTS_DIR = re.compile(r"^(events|\{%.*%\}events\{% endif %\})$")


def make_v0_layout(repo: Path) -> None:
    """Turn a copy of the current template into the v0.x layout that 1.0.0 migrates from.

    v0.x (README: "Versions and migrations") asked ``region`` instead of ``aws_region``
    and rendered the event fixtures into ``fixtures/`` instead of ``events/``.
    """
    text_files = [
        path.relative_to(repo)
        for path in repo.rglob("*")
        if path.is_file() and ".git" not in path.relative_to(repo).parts
    ]
    rewrite_files(repo, text_files, lambda text: re.sub(r"\baws_region\b", "region", text))
    folders = sorted(
        (path for path in (repo / "template").rglob("*") if path.is_dir() and EVENTS_DIR.match(path.name)),
        key=lambda path: len(path.parts),
        reverse=True,
    )
    assert folders, "the template renders no events/ folder any more; update make_v0_layout"
    for folder in folders:
        folder.rename(folder.with_name(folder.name.replace("events", "fixtures")))
    # hooks/variants.py leaves out the fixtures of other variants by their output path.
    catalogue = repo / "hooks" / "variants.py"
    if catalogue.exists():
        text = catalogue.read_text()
        assert 'f"events/' in text, "hooks/variants.py names fixtures differently; update make_v0_layout"
        catalogue.write_text(text.replace('f"events/', 'f"fixtures/'))


# ------------------------------------------------- an older commit as the installed version --
def template_at(commit: str, destination: Path, parts: Iterable[str] = TEMPLATE_PARTS) -> Path:
    """The template ``parts`` of this repository at ``commit``, as a new git repo (no commit yet)."""
    found = subprocess.run(["git", "cat-file", "-e", f"{commit}^{{commit}}"], cwd=TEMPLATE_ROOT, capture_output=True)
    if found.returncode != 0:
        pytest.fail(f"needs the template's git history back to {commit[:7]} (a shallow clone lacks it: git fetch --unshallow)")
    destination.mkdir(parents=True)
    archive = subprocess.run(["git", "archive", "--format=tar", commit, *parts], cwd=TEMPLATE_ROOT, capture_output=True, check=True)
    with tarfile.open(fileobj=io.BytesIO(archive.stdout)) as tar:
        tar.extractall(destination, filter="tar")
    git(destination, "init", "--quiet", "--initial-branch=main")
    return destination


def replace_with_current_template(repo: Path) -> None:
    """Make ``repo``'s work tree this checkout's template, ready to commit as the next version."""
    for child in repo.iterdir():
        if child.name != ".git":
            shutil.rmtree(child) if child.is_dir() else child.unlink()
    for relative in template_files():
        (repo / relative).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(TEMPLATE_ROOT / relative, repo / relative)


def tree(project: Path) -> dict[str, bytes]:
    """Every file of ``project`` outside .git, by its relative path."""
    return {
        path.relative_to(project).as_posix(): path.read_bytes()
        for path in project.rglob("*")
        if path.is_file() and ".git" not in path.relative_to(project).parts
    }


def fresh_copy_of_recorded_answers(template: Path, project: Path, ref: str, destination: Path) -> dict[str, bytes]:
    """A new copy of ``ref`` with the answers ``project`` recorded: what an update to ``ref``
    should hold. An update keeps recorded answers where a default has moved since (the
    compatibility date), so the comparison uses them, not the defaults of today."""
    recorded = yaml.safe_load((project / ".copier-answers.yml").read_text())
    data = {name: value for name, value in recorded.items() if not name.startswith("_")}
    copier.run_copy(str(template), str(destination), data=data, vcs_ref=ref, defaults=True, unsafe=True, quiet=True)
    return tree(destination)


def owner_owned(template: Path) -> set[str]:
    """The files the owner owns (`_skip_if_exists`): an update never rewrites them."""
    return set(yaml.safe_load((template / "copier.yml").read_text())["_skip_if_exists"])
