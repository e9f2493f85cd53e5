"""`copier update` from the last version with Claude Code commands to the one with skills.

The last template commit with `.claude/commands/` (before issue 15) is tagged v1.0.0 in a
temporary repository, a project is copied from it and committed, then this checkout's
template is tagged v1.1.0 and the project updated. The update must land exactly what a fresh
copy of v1.1.0 holds: the skills, rules, AGENTS.md and hooks, and none of the old command
files. A command the owner wrote themselves is theirs and stays.
"""

from __future__ import annotations

import io
import shutil
import subprocess
import tarfile
from pathlib import Path

import copier
import pytest
import yaml

from tests.support.git_history import TEMPLATE_PARTS, commit_all, commit_and_tag, git, init_project_repo, template_files, use_git_identity
from tests.support.render import TEMPLATE_ROOT

#: The last commit whose template rendered `.claude/commands/*.md` (the base of issue 15).
LAST_WITH_COMMANDS = "37be890bb92638c5164c1a31a4dbc66384d28493"
OLD_COMMANDS = {"requirements", "review", "deploy-check", "new-fixture"}
OWNER_COMMAND = ".claude/commands/standup.md"


@pytest.fixture(autouse=True)
def _git_identity(monkeypatch: pytest.MonkeyPatch) -> None:
    use_git_identity(monkeypatch)


def template_at(commit: str, destination: Path) -> Path:
    """The template parts of this repository at ``commit``, as a new git repo."""
    found = subprocess.run(["git", "cat-file", "-e", f"{commit}^{{commit}}"], cwd=TEMPLATE_ROOT, capture_output=True)
    if found.returncode != 0:
        pytest.fail(f"needs the template's git history back to {commit[:7]} (a shallow clone lacks it: git fetch --unshallow)")
    destination.mkdir(parents=True)
    archive = subprocess.run(["git", "archive", "--format=tar", commit, *TEMPLATE_PARTS], cwd=TEMPLATE_ROOT, capture_output=True, check=True)
    with tarfile.open(fileobj=io.BytesIO(archive.stdout)) as tar:
        tar.extractall(destination, filter="tar")
    git(destination, "init", "--quiet", "--initial-branch=main")
    return destination


def replace_with_current_template(repo: Path) -> None:
    for child in repo.iterdir():
        if child.name != ".git":
            shutil.rmtree(child) if child.is_dir() else child.unlink()
    for relative in template_files():
        (repo / relative).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(TEMPLATE_ROOT / relative, repo / relative)


def tree(project: Path) -> dict[str, bytes]:
    return {
        path.relative_to(project).as_posix(): path.read_bytes()
        for path in project.rglob("*")
        if path.is_file() and ".git" not in path.relative_to(project).parts
    }


@pytest.mark.parametrize(
    "chosen",
    [{}, {"platform": "workers", "use_case": "webhook", "idempotency_store": "d1", "signature_scheme": "github", "with_mcp": True}],
    ids=["lambda-defaults", "workers-webhook-mcp"],
)
def test_update_moves_commands_to_skills_without_leftovers(chosen: dict[str, object], tmp_path: Path) -> None:
    template = template_at(LAST_WITH_COMMANDS, tmp_path / "template-repo")
    commit_and_tag(template, "v1.0.0")
    project = tmp_path / "project"
    copier.run_copy(str(template), str(project), data=chosen, vcs_ref="v1.0.0", defaults=True, unsafe=True, quiet=True)
    init_project_repo(project)
    assert {path.stem for path in (project / ".claude" / "commands").glob("*.md")} == OLD_COMMANDS, "v1.0.0 had commands"
    (project / OWNER_COMMAND).write_text("---\ndescription: The owner's own command\n---\nSummarise yesterday's commits.\n")
    commit_all(project, "Owner adds a command of their own")
    before = tree(project)
    replace_with_current_template(template)
    commit_and_tag(template, "v1.1.0")

    copier.run_update(str(project), defaults=True, unsafe=True, overwrite=True, conflict="inline", quiet=True)

    assert yaml.safe_load((project / ".copier-answers.yml").read_text())["_commit"] == "v1.1.0"
    assert not git(project, "diff", "--name-only", "--diff-filter=U").split(), "no conflicts"
    # A fresh copy with the answers the project recorded (an update keeps them where a default
    # has moved since); owner-owned files stay as v1.0.0 wrote them.
    recorded = {name: value for name, value in yaml.safe_load((project / ".copier-answers.yml").read_text()).items() if not name.startswith("_")}
    fresh = tmp_path / "fresh"
    copier.run_copy(str(template), str(fresh), data=recorded, vcs_ref="v1.1.0", defaults=True, unsafe=True, quiet=True)
    expected, updated = tree(fresh), tree(project)
    assert sorted(set(updated) - {OWNER_COMMAND}) == sorted(expected), "the update lands exactly the new version's files"
    owned = set(yaml.safe_load((template / "copier.yml").read_text())["_skip_if_exists"])
    differing = [name for name in expected if updated[name] != expected[name]]
    assert [name for name in differing if name not in owned] == [], "and their new content"
    assert all(updated[name] == before[name] for name in owned & set(differing)), "owner files are left as they were"
    assert [path.name for path in (project / ".claude" / "commands").iterdir()] == ["standup.md"], "only the owner's command is left"
    skills = {path.parent.name for path in (project / ".claude" / "skills").glob("*/SKILL.md")}
    assert {"requirements", "checklist-review", "deploy-check", "new-fixture"} <= skills
    assert (project / "CLAUDE.md").read_text().startswith("@AGENTS.md\n")
