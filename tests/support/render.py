"""Render the template for real, the way a user's `copier copy` does."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import copier

from tests.support.timings import timed

TEMPLATE_ROOT = Path(__file__).resolve().parents[2]


def load_by_path(path: Path, name: str) -> ModuleType:
    """A hook module loaded from its file, as Copier loads extensions and migrations.

    Loaded by path, not imported as ``hooks.x``, so the test sees the module as Copier runs
    it (its own copy, its own module-level caches); ``name`` keeps copies apart.
    """
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module

#: Answers that differ from the defaults only where a test needs them.
DEFAULT_ANSWERS: dict[str, Any] = {}


def render(destination: Path, template: Path = TEMPLATE_ROOT, vcs_ref: str | None = None, **answers: Any) -> Path:
    """Render the template into ``destination`` with ``--defaults --trust`` plus ``answers``."""
    with timed("render"):
        copier.run_copy(
            str(template),
            str(destination),
            data=answers,
            defaults=True,
            unsafe=True,
            quiet=True,
            vcs_ref=vcs_ref,
        )
    return destination


def rendered_files(project: Path) -> list[Path]:
    """Every file of a rendered project, without installed dependencies."""
    skipped = {"node_modules", ".git", ".wrangler", "dist", ".aws-sam"}
    return sorted(
        path
        for path in project.rglob("*")
        if path.is_file() and not skipped.intersection(path.relative_to(project).parts)
    )
