"""The generated repo's pre-commit hook refuses commits that keep `copier update` conflicts.

Real git commits in a rendered project with `core.hooksPath .githooks`, as the
after-copy message tells the owner to set up. Needs node (no npm install).
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from tests.support.git_history import GIT_ENV, git, init_project_repo


@pytest.fixture
def project(render_project) -> Path:  # type: ignore[no-untyped-def]
    project = render_project()
    init_project_repo(project)
    git(project, "config", "core.hooksPath", ".githooks")
    return project


def commit(project: Path, message: str) -> subprocess.CompletedProcess[str]:
    git(project, "add", "--all")
    return subprocess.run(
        ["git", "commit", "-m", message], cwd=project, env=GIT_ENV, capture_output=True, text=True, timeout=60
    )


def test_hook_is_rendered_executable(project: Path) -> None:
    assert os.access(project / ".githooks/pre-commit", os.X_OK)


def test_hook_refuses_staged_conflict_markers(project: Path) -> None:
    fixture = project / "events/post-order.json"
    original = fixture.read_text()
    fixture.write_text("<<<<<<< before updating\n" + original + "=======\n" + original + ">>>>>>> after updating\n")
    result = commit(project, "Keep the conflict by mistake")
    assert result.returncode != 0
    assert "Refusing to commit" in result.stderr
    assert "events/post-order.json:1:<<<<<<< before updating" in result.stderr
    assert git(project, "rev-list", "--count", "HEAD").strip() == "1", "nothing was committed"

    fixture.write_text(original + "\n")
    assert commit(project, "Resolved").returncode == 0


def test_hook_refuses_rej_files(project: Path) -> None:
    (project / "src/handler.mjs.rej").write_text("@@ -1 +1 @@\n-old\n+new\n")
    result = commit(project, "Forgot the rejected hunk")
    assert result.returncode != 0
    assert "rejected hunks   src/handler.mjs.rej" in result.stderr


def test_hook_allows_markdown_underlines_and_ordinary_commits(project: Path) -> None:
    (project / "NOTES.md").write_text("Notes\n=======\n\nA setext heading is not a conflict.\n")
    result = commit(project, "Ordinary work")
    assert result.returncode == 0, result.stderr


def test_a_git_killed_by_a_signal_fails_the_check_instead_of_passing_it(project: Path, tmp_path: Path) -> None:
    # A git that dies before answering has no exit status; its empty output is not "no markers".
    fixture = project / "events/post-order.json"
    fixture.write_text("<<<<<<< before updating\n" + fixture.read_text())
    git(project, "add", "--all")
    dying = tmp_path / "bin"
    dying.mkdir()
    (dying / "git").write_text("#!/bin/sh\nkill -KILL $$\n")
    (dying / "git").chmod(0o755)
    env = {**GIT_ENV, "PATH": f"{dying}{os.pathsep}{os.environ['PATH']}"}
    result = subprocess.run(
        ["node", "scripts/check-conflict-markers.mjs"], cwd=project, env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 2, (result.returncode, result.stderr)
    assert "SIGKILL" in result.stderr
