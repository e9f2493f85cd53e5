"""The 1.0.0 migration as a unit: what it renames and moves, and what it refuses to touch.

The end-to-end run (a real `copier update` from the v0.9.0 tag) is in test_update.py.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest
import yaml

from tests.support.git_history import GIT_ENV, commit_all, git
from tests.support.render import TEMPLATE_ROOT, load_by_path, render

MIGRATION = TEMPLATE_ROOT / "hooks" / "migrations" / "v1_0_0.py"

V0_ANSWERS = """\
# Changes here will be overwritten by Copier; run `copier update` instead of editing.
_commit: v0.9.0
_src_path: gh:example/copier-serverless
owner: team-orders@example.com
region: us-east-1
use_case: json_api
"""


def load_migration() -> ModuleType:
    return load_by_path(MIGRATION, "migration_v1_0_0")


@pytest.fixture
def v0_project(tmp_path: Path) -> Path:
    project = tmp_path / "project"
    (project / "fixtures/nested").mkdir(parents=True)
    (project / ".copier-answers.yml").write_text(V0_ANSWERS)
    (project / "fixtures/post-order.json").write_text('{"amount": 4200}\n')
    (project / "fixtures/nested/batch.json").write_text("[]\n")
    git(project, "init", "--quiet")
    commit_all(project, "v0.x project")
    (project / "fixtures/untracked.json").write_text("{}\n")
    return project


def run_script(project: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(MIGRATION), ".copier-answers.yml"],
        cwd=project, env=GIT_ENV, capture_output=True, text=True, check=True,
    )


def test_migration_renames_the_region_answer_and_keeps_everything_else(v0_project: Path) -> None:
    run_script(v0_project)
    text = (v0_project / ".copier-answers.yml").read_text()
    assert text == V0_ANSWERS.replace("region: us-east-1", "aws_region: us-east-1")
    assert yaml.safe_load(text)["aws_region"] == "us-east-1"


def test_migration_moves_tracked_and_untracked_fixtures_with_git(v0_project: Path) -> None:
    result = run_script(v0_project)
    assert not (v0_project / "fixtures").exists()
    assert (v0_project / "events/post-order.json").read_text() == '{"amount": 4200}\n'
    assert (v0_project / "events/nested/batch.json").exists()
    assert (v0_project / "events/untracked.json").exists()
    staged = git(v0_project, "diff", "--cached", "--name-status", "-M").splitlines()
    assert "R100\tfixtures/post-order.json\tevents/post-order.json" in staged, "Copier reads moves from the index"
    assert "migration 1.0.0: moved fixtures/post-order.json -> events/post-order.json" in result.stdout


def test_migration_never_overwrites_an_existing_events_file(v0_project: Path) -> None:
    (v0_project / "events").mkdir()
    (v0_project / "events/post-order.json").write_text('{"mine": true}\n')
    result = run_script(v0_project)
    assert (v0_project / "events/post-order.json").read_text() == '{"mine": true}\n'
    assert (v0_project / "fixtures/post-order.json").read_text() == '{"amount": 4200}\n'
    assert "kept fixtures/post-order.json" in result.stdout


def test_migration_is_idempotent(v0_project: Path) -> None:
    run_script(v0_project)
    answers = (v0_project / ".copier-answers.yml").read_text()
    second = run_script(v0_project)
    assert second.stdout == ""
    assert (v0_project / ".copier-answers.yml").read_text() == answers


def test_migration_does_nothing_on_a_project_of_the_current_layout(tmp_path: Path) -> None:
    """A project copied from an untagged commit (Copier's 0.0.0.postN) is older than 1.0.0,
    so Copier runs the migration on it; it has events/, aws_region, and a fixtures/ folder
    of the owner's own, and must come out untouched, silently."""
    project = render(tmp_path / "project")
    (project / "fixtures").mkdir()
    (project / "fixtures/seed-data.json").write_text("{}\n")
    git(project, "init", "--quiet")
    commit_all(project, "A project of the current layout")
    before = git(project, "rev-parse", "HEAD")

    result = run_script(project)

    assert result.stdout == "" and result.stderr == ""
    assert git(project, "status", "--porcelain") == "", "nothing moved, nothing renamed"
    assert git(project, "rev-parse", "HEAD") == before
    assert (project / "fixtures/seed-data.json").exists()


def test_a_workers_project_of_v0_is_recognised_by_its_fixtures_folder(tmp_path: Path) -> None:
    project = tmp_path / "project"
    (project / "fixtures").mkdir(parents=True)
    (project / ".copier-answers.yml").write_text("_commit: v0.9.0\nplatform: workers\n")
    (project / "fixtures/batch-valid.json").write_text("{}\n")
    git(project, "init", "--quiet")
    commit_all(project, "v0.x Workers project")
    assert "migration 1.0.0: moved fixtures/batch-valid.json -> events/batch-valid.json" in run_script(project).stdout


def test_rename_keeps_an_answer_that_already_has_the_new_name(tmp_path: Path) -> None:
    migration = load_migration()
    answers = tmp_path / ".copier-answers.yml"
    answers.write_text("aws_region: eu-central-1\nregion: us-east-1\n")
    assert migration.rename_answers(answers, {"region": "aws_region"}) == []
    assert answers.read_text() == "aws_region: eu-central-1\nregion: us-east-1\n"


def test_copier_yml_declares_the_migration_for_update_only() -> None:
    config = yaml.safe_load((TEMPLATE_ROOT / "copier.yml").read_text())
    (migration,) = [m for m in config["_migrations"] if m["version"] == "1.0.0"]
    assert migration["when"] == "{{ _stage == 'before' }}"
    assert migration["command"][1].endswith("hooks/migrations/v1_0_0.py")
    assert not config.get("_tasks"), "no tasks: copy needs no commands run on the user's machine"
