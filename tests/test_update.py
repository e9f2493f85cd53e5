"""`copier update` across real template versions (git tags in a temporary repo).

Each test builds the template's own git history: the current template tagged v1.0.0,
a project copied from it and committed with the owner's edits, then a changed template
tagged v1.1.0 (or the v0.x layout tagged v0.9.0 for the migration). No npm installs:
these tests check files and git state only.
"""

from __future__ import annotations

import contextlib
import copy as copy_module
import io
import re
import shutil
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import copier
import pytest
import yaml

from tests.support.git_history import (
    GIT_ENV,
    commit_all,
    commit_and_tag,
    conflict_marker_lines,
    fresh_copy_of_recorded_answers,
    git,
    init_project_repo,
    init_template_repo,
    make_v0_layout,
    owner_owned,
    replace_with_current_template,
    template_at,
    tree,
    use_git_identity,
)

NEW_TEMPLATE_FILE = "UPGRADING.md"


@pytest.fixture(autouse=True)
def _git_identity(monkeypatch: pytest.MonkeyPatch) -> None:
    use_git_identity(monkeypatch)


def copy(template: Path, project: Path, vcs_ref: str, **answers: object) -> Path:
    copier.run_copy(str(template), str(project), data=answers, vcs_ref=vcs_ref, defaults=True, unsafe=True, quiet=True)
    init_project_repo(project)
    return project


def update(project: Path, conflict: str = "inline", vcs_ref: str | None = None, quiet: bool = True) -> None:
    copier.run_update(
        str(project), defaults=True, unsafe=True, overwrite=True, conflict=conflict, vcs_ref=vcs_ref, quiet=quiet
    )


def sources_of(template: Path, rendered: str) -> list[Path]:
    """Template files that render to ``rendered`` (conditional name parts removed)."""

    def plain(part: str) -> str:
        part = re.sub(r"\{%-?\s*if .*?%\}|\{%-?\s*endif\s*-?%\}", "", part)
        return part.removesuffix(".jinja")

    found = [
        path
        for path in (template / "template").rglob("*")
        if path.is_file() and "/".join(plain(part) for part in path.relative_to(template / "template").parts) == rendered
    ]
    assert found, f"no template file renders {rendered}; update this test's scenario"
    return found


def edit(path: Path, change: Callable[[str], str]) -> None:
    text = path.read_text()
    changed = change(text)
    assert changed != text, f"the edit did not change {path}"
    path.write_text(changed)


def insert_after_first(text: str, pattern: str, new_line: str) -> str:
    """Insert ``new_line`` after the first line matching ``pattern``."""
    lines = text.splitlines(keepends=True)
    for index, line in enumerate(lines):
        if re.search(pattern, line):
            lines.insert(index + 1, new_line + "\n")
            return "".join(lines)
    raise AssertionError(f"no line matches {pattern!r}")


def answers(project: Path) -> dict[str, object]:
    return yaml.safe_load((project / ".copier-answers.yml").read_text())


def unmerged(project: Path) -> set[str]:
    return set(git(project, "diff", "--name-only", "--diff-filter=U").split())


class OwnerEdits:
    """The owner's work between two updates, and the checks that it survived."""

    ROUTE = "    { method: 'GET', path: '/orders/stats', handle: async () => jsonResponse(200, { orders: 0 }) },"
    WIRING = "// Owner: orders are handed to the fulfilment queue by publishOrder (see README)."
    CLAUDE_SECTION = "\n## Team conventions\n\nAmounts are always in cents; ask before touching the refund flow.\n"

    def __init__(self, project: Path) -> None:
        self.project = project
        # A template fixture the owner does not need, and an optional CI workflow.
        self.deleted = ["events/get-unknown-route.json", ".github/workflows/claude-review.yml"]
        for name in ("CLAUDE.md", *self.deleted):
            assert (project / name).exists(), f"the scenario needs {name}; update it to the template"

    def moved_to(self, project: Path) -> OwnerEdits:
        """The same edits, checked in a copy of the project."""
        moved = copy_module.copy(self)
        moved.project = project
        return moved

    def make(self) -> None:
        p = self.project
        edit(p / "src/orders.mjs", lambda t: t.replace("status: 'accepted'", "status: 'queued'"))
        edit(p / "src/orders.mjs", lambda t: insert_after_first(t, r"return \[$", self.ROUTE))
        edit(p / "src/handler.mjs", lambda t: t + "\n" + self.WIRING + "\n")
        edit(p / "events/post-order.json", lambda t: t.replace("1299", "4200"))
        edit(p / "events/get-health.json", lambda t: t.replace('"curl/8.5.0"', '"owner-probe/1.0"', 1))
        (p / "events/post-order-large-basket.json").write_text('{"owner": "added this fixture"}\n')
        (p / "fixtures").mkdir()
        (p / "fixtures/seed-data.json").write_text('{"owner": "not the v0.x fixtures folder"}\n')
        edit(p / "CLAUDE.md", lambda t: t + self.CLAUDE_SECTION)
        for name in self.deleted:
            (p / name).unlink()
        commit_all(p, "Owner edits")

    def assert_survived(self) -> None:
        p = self.project
        orders = (p / "src/orders.mjs").read_text()
        assert "status: 'queued'" in orders and self.ROUTE in orders
        assert self.WIRING in (p / "src/handler.mjs").read_text()
        assert '"owner-probe/1.0"' in (p / "events/get-health.json").read_text()
        assert (p / "events/post-order-large-basket.json").read_text() == '{"owner": "added this fixture"}\n'
        assert (p / "fixtures/seed-data.json").exists(), "a 1.x update must not run the 1.0.0 migration"
        assert self.CLAUDE_SECTION.strip() in (p / "CLAUDE.md").read_text()
        for name in self.deleted:
            assert not (p / name).exists(), f"{name} was deleted by the owner and must stay deleted"


def release_v1_1(template: Path) -> None:
    """The template's next version: lib change, new file, and changes where the owner also edited."""
    t = template
    for source in sources_of(t, "src/lib/logger.mjs"):
        edit(source, lambda text: text + "\n// v1.1.0: template-owned change\n")
    for source in sources_of(t, "src/handler.mjs"):
        edit(source, lambda text: insert_after_first(text, r"^// ", "// v1.1.0: template note on the wiring."))
    for source in sources_of(t, "src/orders.mjs"):
        edit(source, lambda text: text + "\n// v1.1.0: the example domain changed too.\n")
    # The example order's amount, in the one description of its fixtures (events/post-order.json among them).
    edit(t / "hooks" / "fixtures.py", lambda text: text.replace("""ORDER = '{"amount":1299,""", """ORDER = '{"amount":1500,"""))
    for rendered in ("events/get-unknown-route.json", ".github/workflows/claude-review.yml"):
        for source in sources_of(t, rendered):
            edit(source, lambda text: text + "\n")
    for source in sources_of(t, "CLAUDE.md"):
        edit(source, lambda text: insert_after_first(text, r"^## ", "\nv1.1.0: a template line near the top."))
    (t / "template" / NEW_TEMPLATE_FILE).write_text("# Upgrading\n\nNew in v1.1.0.\n")
    commit_and_tag(t, "v1.1.0")


@pytest.fixture(scope="module")
def v1_history(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, OwnerEdits]:
    """Template repo tagged v1.0.0 and v1.1.0, and a project copied from v1.0.0 with the owner's edits."""
    root = tmp_path_factory.mktemp("v1-history")
    with pytest.MonkeyPatch.context() as monkeypatch:
        use_git_identity(monkeypatch)
        template = init_template_repo(root / "template-repo")
        commit_and_tag(template, "v1.0.0")
        project = copy(template, root / "project", "v1.0.0")
        owner = OwnerEdits(project)
        owner.make()
        release_v1_1(template)
    return template, project, owner


@pytest.fixture
def v1_project(v1_history: tuple[Path, Path, OwnerEdits], tmp_path: Path) -> tuple[Path, Path, OwnerEdits]:
    """A fresh copy of the v1.0.0 project (with its git history) for one update."""
    template, original, owner = v1_history
    project = tmp_path / "project"
    shutil.copytree(original, project, symlinks=True)
    return template, project, owner.moved_to(project)


@dataclass
class Updated:
    """One inline `copier update` v1.0.0 -> v1.1.0, shared by the tests that only read its result."""

    project: Path
    owner: OwnerEdits
    orders_before: str
    message: str


@pytest.fixture(scope="module")
def inline_update(v1_history: tuple[Path, Path, OwnerEdits], tmp_path_factory: pytest.TempPathFactory) -> Updated:
    _, original, owner = v1_history
    project = tmp_path_factory.mktemp("inline-update") / "project"
    shutil.copytree(original, project, symlinks=True)
    orders_before = (project / "src/orders.mjs").read_text()
    printed = io.StringIO()
    with pytest.MonkeyPatch.context() as monkeypatch, contextlib.redirect_stderr(printed):
        use_git_identity(monkeypatch)
        update(project, quiet=False)
    return Updated(project, owner.moved_to(project), orders_before, printed.getvalue())


def test_update_keeps_owner_edits_and_applies_template_changes(inline_update: Updated) -> None:
    project = inline_update.project
    inline_update.owner.assert_survived()
    assert "// v1.1.0: template-owned change" in (project / "src/lib/logger.mjs").read_text()
    assert "// v1.1.0: template note on the wiring." in (project / "src/handler.mjs").read_text()
    assert (project / NEW_TEMPLATE_FILE).read_text() == "# Upgrading\n\nNew in v1.1.0.\n"
    assert "v1.1.0: a template line near the top." in (project / "CLAUDE.md").read_text()
    assert answers(project)["_commit"] == "v1.1.0"


def test_update_never_touches_owner_owned_business_logic(inline_update: Updated) -> None:
    after = (inline_update.project / "src/orders.mjs").read_text()
    assert after == inline_update.orders_before, "src/orders.mjs is in _skip_if_exists: kept byte for byte"
    assert "v1.1.0" not in after


def test_update_shows_overlapping_edits_as_conflict_markers(inline_update: Updated) -> None:
    project = inline_update.project
    fixture = (project / "events/post-order.json").read_text()
    assert conflict_marker_lines(fixture) == ["<<<<<<< before updating", "=======", ">>>>>>> after updating"]
    ours, theirs = fixture.split("=======")
    assert "4200" in ours and "1500" in theirs, "both sides of the overlap are kept"
    assert unmerged(project) == {"events/post-order.json"}, "git marks exactly the conflicted file unmerged"
    for path in project.rglob("*"):
        if path.is_file() and ".git" not in path.parts and path.name != "post-order.json":
            assert not conflict_marker_lines(path.read_text(errors="replace")), f"unexpected conflict in {path}"


def test_update_prints_next_steps(inline_update: Updated) -> None:
    message = inline_update.message
    assert "is updated to copier-serverless v1.1.0" in message
    for step in (f"cd {inline_update.project}", "git status", "git diff HEAD", ".rej", "npm test",
                 "npm run invoke -- events/post-order.json", "/review"):
        assert step in message
    assert "Conflicts in 1 file(s): events/post-order.json." in message
    assert "is not a release" not in message, "v1.1.0 is a release tag"


def test_an_update_without_conflicts_says_so_in_a_few_lines(v1_history: tuple[Path, Path, OwnerEdits], tmp_path: Path) -> None:
    template, _original, _owner = v1_history
    project = copy(template, tmp_path / "project", "v1.0.0")
    printed = io.StringIO()
    with contextlib.redirect_stderr(printed):
        update(project, quiet=False)
    message = printed.getvalue()
    assert '"Orders API" is updated to copier-serverless v1.1.0, with no conflicts.' in message, message[-2000:]
    ours = message[message.index('"Orders API" is updated'):].strip().splitlines()
    assert len(ours) <= 8, ours
    assert not [line for line in ours if "onflict" in line and "no conflicts" not in line or ".rej" in line], ours
    assert unmerged(project) == set()


def test_pre_commit_hook_refuses_an_update_committed_with_its_conflicts(v1_project: tuple[Path, Path, OwnerEdits]) -> None:
    _, project, _ = v1_project
    git(project, "config", "core.hooksPath", ".githooks")
    update(project)
    git(project, "add", "--all")  # what a hurried owner does: marks the conflict resolved
    refused = subprocess.run(["git", "commit", "-m", "Update"], cwd=project, env=GIT_ENV, capture_output=True, text=True)
    assert refused.returncode != 0
    assert "events/post-order.json:2:<<<<<<< before updating" in refused.stderr

    fixture = project / "events/post-order.json"
    ours = re.sub(r"(?ms)^<<<<<<< before updating\n(.*?)^=======\n.*?^>>>>>>> after updating\n", r"\1", fixture.read_text())
    fixture.write_text(ours)
    git(project, "add", "--all")
    git(project, "commit", "--quiet", "-m", "Update from copier-serverless, keeping our amount")
    assert "4200" in fixture.read_text() and not conflict_marker_lines(fixture.read_text())


def test_update_writes_a_deleted_owner_owned_file_again(v1_project: tuple[Path, Path, OwnerEdits]) -> None:
    _, project, _ = v1_project
    (project / "src/orders.mjs").unlink()
    commit_all(project, "Remove the example domain")
    update(project)
    assert "v1.1.0: the example domain changed too." in (project / "src/orders.mjs").read_text(), (
        "_skip_if_exists files are skipped only while they exist (README: Who owns which file)"
    )


def test_update_with_rej_conflicts_keeps_the_owner_hunk_in_a_rej_file(v1_project: tuple[Path, Path, OwnerEdits]) -> None:
    _, project, owner = v1_project
    update(project, conflict="rej")

    rejected = project / "events/post-order.json.rej"
    assert rejected.exists(), "with --conflict rej the owner's hunk that did not apply is kept next to the file"
    assert "4200" in rejected.read_text()
    fixture = (project / "events/post-order.json").read_text()
    assert "1500" in fixture and not conflict_marker_lines(fixture)
    owner.assert_survived()


def test_update_refuses_a_dirty_project(v1_project: tuple[Path, Path, OwnerEdits]) -> None:
    _, project, _ = v1_project
    (project / "src/handler.mjs").write_text("// uncommitted work\n")
    with pytest.raises(Exception, match="dirty"):
        update(project)
    assert (project / "src/handler.mjs").read_text() == "// uncommitted work\n", "nothing is lost"


# ------------------------------------------------ from the oldest supported tag --


@pytest.fixture(scope="module")
def v0_history(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """Template history v0.9.0 (the v0.x layout) -> v1.0.0 -> an untagged HEAD commit.

    The project is copied from v0.9.0 with a non-default region, and the owner edits a
    fixture and adds one in v0.x's fixtures/ folder.
    """
    tmp_path = tmp_path_factory.mktemp("v0-history")
    with pytest.MonkeyPatch.context() as monkeypatch:
        use_git_identity(monkeypatch)
        return build_v0_history(tmp_path)


def build_v0_history(tmp_path: Path, with_migration: bool = True) -> tuple[Path, Path]:
    template = init_template_repo(tmp_path / "template-repo")
    current = tmp_path / "current-template"
    shutil.copytree(template, current, ignore=shutil.ignore_patterns(".git"))
    if not with_migration:
        config = current / "copier.yml"
        without, count = re.subn(r"(?ms)^_migrations:\n.*?\n\n", "", config.read_text())
        assert count == 1, "copier.yml's _migrations block not found"
        config.write_text(without)
    make_v0_layout(template)
    commit_and_tag(template, "v0.9.0")
    for child in template.iterdir():
        if child.name != ".git":
            shutil.rmtree(child) if child.is_dir() else child.unlink()
    shutil.copytree(current, template, dirs_exist_ok=True)
    commit_and_tag(template, "v1.0.0")
    (template / "template" / NEW_TEMPLATE_FILE).write_text("# Upgrading\n\nOn main, not released yet.\n")
    git(template, "add", "--all")
    git(template, "commit", "--quiet", "-m", "Unreleased work on main")

    project = copy(template, tmp_path / "project", "v0.9.0", region="us-east-1")
    assert (project / "fixtures/post-order.json").exists() and not (project / "events").exists()
    assert answers(project)["region"] == "us-east-1"
    edit(project / "fixtures/post-order.json", lambda t: t.replace("1299", "4200"))
    (project / "fixtures/refund.json").write_text('{"owner": "added in v0.x"}\n')
    commit_all(project, "Owner edits on v0.x")
    return template, project


@pytest.fixture
def v0_project(v0_history: tuple[Path, Path], tmp_path: Path) -> tuple[Path, Path]:
    template, original = v0_history
    project = tmp_path / "project"
    shutil.copytree(original, project, symlinks=True)
    return template, project


def test_update_from_oldest_tag_to_head_migrates_answers_and_fixtures(
    v0_project: tuple[Path, Path], capfd: pytest.CaptureFixture[str]
) -> None:
    _, project = v0_project
    update(project, vcs_ref="HEAD", quiet=False)
    output = capfd.readouterr().out

    recorded = answers(project)
    assert recorded["aws_region"] == "us-east-1", "the renamed answer keeps the owner's value"
    assert "region" not in recorded
    assert str(recorded["_commit"]).startswith("v1.0.0-1-g"), "HEAD is recorded as one commit after v1.0.0"
    assert "migration 1.0.0: answer region -> aws_region" in output

    assert not (project / "fixtures").exists(), "v0.x's fixtures/ folder is gone"
    assert (project / "events/refund.json").read_text() == '{"owner": "added in v0.x"}\n'
    assert "migration 1.0.0: moved fixtures/refund.json -> events/refund.json" in output
    moved = (project / "events/post-order.json").read_text()
    assert "4200" in moved, "the owner's edit to a moved fixture is kept (shown against the template's version)"
    assert unmerged(project) == {"events/post-order.json"}, "fixtures the owner did not edit move without conflicts"
    assert (project / "events/get-health.json").exists()
    assert (project / NEW_TEMPLATE_FILE).exists(), "HEAD's unreleased change arrives"
    region_users = [p for p in project.rglob("*") if p.is_file() and ".git" not in p.parts and "us-east-1" in p.read_text(errors="replace")]
    assert region_users, "the migrated region reaches the rendered files"


def test_without_the_migration_the_update_would_lose_owner_fixtures(tmp_path: Path) -> None:
    """Control experiment: the same history minus `_migrations` shows what the migration prevents."""
    _, project = build_v0_history(tmp_path, with_migration=False)
    update(project, vcs_ref="HEAD")
    assert "4200" not in (project / "events/post-order.json").read_text(), "the owner's edit is gone"
    assert not (project / "fixtures/post-order.json").exists()
    assert "aws_region" in answers(project) and answers(project)["aws_region"] != "us-east-1"


def test_update_from_v1_does_not_rerun_the_migration(v0_project: tuple[Path, Path], capfd: pytest.CaptureFixture[str]) -> None:
    template, project = v0_project
    update(project, vcs_ref="v1.0.0")
    for conflicted in unmerged(project):
        git(project, "checkout", "--ours", "--", conflicted)
    git(project, "add", "--all")
    git(project, "commit", "--quiet", "-m", "Update to v1.0.0")
    capfd.readouterr()

    (project / "fixtures").mkdir()
    (project / "fixtures/seed-data.json").write_text("{}\n")
    commit_all(project, "A fixtures folder of the owner's own")
    update(project, vcs_ref="HEAD", quiet=False)
    output = capfd.readouterr().out
    assert "migration 1.0.0" not in output
    assert (project / "fixtures/seed-data.json").exists()
    assert answers(project)["aws_region"] == "us-east-1"


def test_copy_never_runs_migrations(tmp_path: Path, capfd: pytest.CaptureFixture[str]) -> None:
    template = init_template_repo(tmp_path / "template-repo")
    commit_and_tag(template, "v1.0.0")
    project = tmp_path / "project"
    (project / "fixtures").mkdir(parents=True)
    (project / "fixtures/seed-data.json").write_text("{}\n")
    copier.run_copy(str(template), str(project), defaults=True, unsafe=True, quiet=False)
    captured = capfd.readouterr()
    assert "migration 1.0.0" not in captured.out + captured.err
    assert (project / "fixtures/seed-data.json").exists()
    assert not (project / "events/seed-data.json").exists()


# --------------------------------- from before the catalogue of variants (plain names) --
#: The last template commit whose file names carried every variant's condition, before
#: hooks/variants.py computed `_exclude`. During an update Copier renders the new
#: `_exclude` with this old template's hooks, which define no `excluded_paths`.
BEFORE_CATALOGUE = "da26e09bc9df960a140aaf8d8589cec7fb3c2ac5"


@pytest.mark.parametrize(
    ("chosen", "edited"),
    [
        ({}, "events/post-order.json"),
        ({"platform": "workers", "use_case": "webhook", "idempotency_store": "d1", "signature_scheme": "github", "with_ci": False},
         "events/delivery-valid.json"),
    ],
    ids=["lambda-defaults", "workers-webhook-d1-github"],
)
def test_update_from_conditional_names_to_the_catalogue_renders_exactly_the_new_files(
    chosen: dict[str, object], edited: str, tmp_path: Path
) -> None:
    template = template_at(BEFORE_CATALOGUE, tmp_path / "template-repo", ("copier.yml", "hooks", "template", "prompts"))
    commit_and_tag(template, "v1.0.0")
    project = copy(template, tmp_path / "project", "v1.0.0", **chosen)
    # A header of the owner's own, in a block both versions leave alone (the example body
    # changed since, so an edit beside it would be a real conflict).
    edit(project / edited, lambda text: text.replace('"headers": {', '"headers": {\n    "x-owner-note": "kept",', 1))
    commit_all(project, "Owner edits a fixture")
    before = tree(project)
    replace_with_current_template(template)
    commit_and_tag(template, "v1.1.0")

    update(project)

    assert answers(project)["_commit"] == "v1.1.0"
    assert not unmerged(project)
    expected = fresh_copy_of_recorded_answers(template, project, "v1.1.0", tmp_path / "fresh")
    updated = tree(project)
    assert sorted(updated) == sorted(expected), "the update writes the new version's files, no other variant's"
    owned = owner_owned(template)
    differing = [name for name in expected if updated[name] != expected[name]]
    assert [name for name in differing if name not in owned] == [edited]
    for name in owned & set(differing):
        assert updated[name] == before[name], f"{name} is the owner's: the update leaves it as v1.0.0 wrote it"
    assert '"x-owner-note": "kept"' in (project / edited).read_text()
