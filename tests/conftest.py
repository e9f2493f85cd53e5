"""Shared fixtures: render the template into temporary folders."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.support.render import render


@pytest.fixture
def render_project(tmp_path: Path) -> Callable[..., Path]:
    """Render with ``--defaults`` plus the given answers; returns the project folder."""
    counter = iter(range(1000))

    def _render(**answers: Any) -> Path:
        return render(tmp_path / f"project-{next(counter)}", **answers)

    return _render
