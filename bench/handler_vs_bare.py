"""Render the default project and compare its handler with a bare one (see the .mjs).

    .venv/bin/python bench/handler_vs_bare.py
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.support.node import install_node_modules  # noqa: E402
from tests.support.render import render  # noqa: E402


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        project = render(Path(folder) / "project")
        install_node_modules(project)
        subprocess.run(["node", str(ROOT / "bench" / "handler_vs_bare.mjs"), str(project), *sys.argv[1:]], check=True)


if __name__ == "__main__":
    main()
