"""`make demo`'s story (tools/demo.py) read from the real tools' output.

The demo itself installs from the npm registry and runs the whole generated suite; here
its readers get what Copier, `node --test` and `npm run invoke` really print for the
default project, so a change of wording in any of them fails here first.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.node import install_node_modules, run
from tests.support.render import TEMPLATE_ROOT

sys.path.insert(0, str(TEMPLATE_ROOT / "tools"))
import demo  # noqa: E402

COPIER = str(Path(sys.executable).with_name("copier"))


@pytest.fixture(scope="module")
def default_project(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """The default project, and what `copier copy` printed while rendering it."""
    project = tmp_path_factory.mktemp("demo") / "demo-project"
    result = subprocess.run([COPIER, "copy", "--trust", "--defaults", str(TEMPLATE_ROOT), str(project)],
                            capture_output=True, text=True, check=True)
    return project, result.stderr


def test_the_render_step_shows_the_message_without_the_file_list(default_project: tuple[Path, str]) -> None:
    _project, stderr = default_project
    assert "create" in stderr, "Copier lists each file it writes"
    message = demo.copier_message(stderr)
    assert message[0].startswith('Your Lambda JSON API "Orders API" is ready in ')
    assert any(line.split() == ["idempotency_store", "dynamodb", "(the", "only", "choice", "here,", "so", "not", "asked)"] for line in message)
    assert not any("create" in line or "Next steps" in line for line in message)


def test_the_two_invokes_read_as_a_replay(default_project: tuple[Path, str]) -> None:
    project, _stderr = default_project
    output = run(["node", "scripts/invoke.mjs", demo.FIXTURE, demo.FIXTURE], project).stdout
    first, second = demo.invocations(output)
    assert (first.status, second.status) == (202, 202)
    summary = demo.replay_summary(first, second)
    assert summary[1] == "  invoke 2   202, same body, header idempotent-replayed: true (a replay)"
    assert max(map(len, summary)) <= 80


def test_two_different_requests_are_not_called_a_replay(default_project: tuple[Path, str]) -> None:
    project, _stderr = default_project
    output = run(["node", "scripts/invoke.mjs", demo.FIXTURE, "events/get-health.json"], project).stdout
    summary = demo.replay_summary(*demo.invocations(output))
    assert "NOT a replay" in summary[1]


def test_the_test_step_counts_what_node_test_reports(default_project: tuple[Path, str]) -> None:
    project, _stderr = default_project
    install_node_modules(project)
    result = run(["node", "--test", "test/unit/*.test.mjs"], project, check=False)
    counts = demo.test_counts(result.stdout)
    assert counts.tests > 10 and counts.passed == counts.tests and counts.failed == 0, result.stdout[-2000:]
