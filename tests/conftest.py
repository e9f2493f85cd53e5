"""Shared fixtures: render the template into temporary folders.

Every process the suite starts sees the generated repos' Node.js first on PATH
(tests/support/node.py), including node run by git hooks inside generated repos.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.support.node import NODE_PATH
from tests.support.render import render

os.environ["PATH"] = NODE_PATH


@pytest.fixture
def render_project(tmp_path: Path) -> Callable[..., Path]:
    """Render with ``--defaults`` plus the given answers; returns the project folder."""
    counter = iter(range(1000))

    def _render(**answers: Any) -> Path:
        return render(tmp_path / f"project-{next(counter)}", **answers)

    return _render
