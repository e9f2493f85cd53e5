"""`copier update` from the last version with Claude Code commands to the one with skills.

The last template commit with `.claude/commands/` (before issue 15) is tagged v1.0.0 in a
temporary repository, a project is copied from it and committed, then this checkout's
template is tagged v1.1.0 and the project updated. The update must land exactly what a fresh
copy of v1.1.0 holds: the skills, rules, AGENTS.md and hooks, and none of the old command
files. A command the owner wrote themselves is theirs and stays.
"""

from __future__ import annotations

from pathlib import Path

import copier
import pytest
import yaml

from tests.support.git_history import (
    commit_all,
    commit_and_tag,
    fresh_copy_of_recorded_answers,
    git,
    init_project_repo,
    owner_owned,
    replace_with_current_template,
    template_at,
    tree,
    use_git_identity,
)

#: The last commit whose template rendered `.claude/commands/*.md` (the base of issue 15).
LAST_WITH_COMMANDS = "37be890bb92638c5164c1a31a4dbc66384d28493"
OLD_COMMANDS = {"requirements", "review", "deploy-check", "new-fixture"}
OWNER_COMMAND = ".claude/commands/standup.md"


@pytest.fixture(autouse=True)
def _git_identity(monkeypatch: pytest.MonkeyPatch) -> None:
    use_git_identity(monkeypatch)


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
    expected = fresh_copy_of_recorded_answers(template, project, "v1.1.0", tmp_path / "fresh")
    updated = tree(project)
    assert sorted(set(updated) - {OWNER_COMMAND}) == sorted(expected), "the update lands exactly the new version's files"
    owned = owner_owned(template)
    differing = [name for name in expected if updated[name] != expected[name]]
    assert [name for name in differing if name not in owned] == [], "and their new content"
    assert all(updated[name] == before[name] for name in owned & set(differing)), "owner files are left as they were"
    assert [path.name for path in (project / ".claude" / "commands").iterdir()] == ["standup.md"], "only the owner's command is left"
    skills = {path.parent.name for path in (project / ".claude" / "skills").glob("*/SKILL.md")}
    assert {"requirements", "checklist-review", "deploy-check", "new-fixture"} <= skills
    assert (project / "CLAUDE.md").read_text().startswith("@AGENTS.md\n")
