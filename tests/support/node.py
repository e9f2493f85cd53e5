"""Install a generated repo's npm dependencies once per distinct package.json.

Every answer set with the same package.json shares one install in a cache folder;
each rendered project gets a hard-linked copy of its node_modules, which takes a
second instead of a network install. This keeps the whole matrix inside CI time.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import shutil
import subprocess
from pathlib import Path

CACHE_ROOT = Path(os.environ.get("COPIER_SERVERLESS_CACHE", Path(__file__).resolve().parents[2] / ".cache"))

#: Environment for every npm/node/wrangler call: quiet and offline-friendly.
NODE_ENV = {
    **os.environ,
    "CI": "true",
    "WRANGLER_SEND_METRICS": "false",
    "NO_UPDATE_NOTIFIER": "1",
    "npm_config_fund": "false",
    "npm_config_audit": "false",
    "npm_config_update_notifier": "false",
}


def dependency_key(project: Path) -> str:
    manifest = json.loads((project / "package.json").read_text())
    relevant = {key: manifest.get(key) for key in ("dependencies", "devDependencies", "overrides")}
    lock = project / "package-lock.json"
    material = json.dumps(relevant, sort_keys=True) + (lock.read_text() if lock.exists() else "")
    return hashlib.sha256(material.encode()).hexdigest()[:16]


def install_node_modules(project: Path) -> None:
    """Give ``project`` a node_modules folder, installing into the shared cache at most once."""
    key = dependency_key(project)
    cached = CACHE_ROOT / "node_modules" / key
    cached.parent.mkdir(parents=True, exist_ok=True)
    with open(cached.parent / f"{key}.lock", "w") as lock:
        # pytest-xdist workers may want the same install at the same time.
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (cached / "node_modules").is_dir():
            staging = cached.with_name(f"{key}.staging")
            shutil.rmtree(staging, ignore_errors=True)
            staging.mkdir()
            shutil.copy(project / "package.json", staging / "package.json")
            if (project / "package-lock.json").exists():
                shutil.copy(project / "package-lock.json", staging / "package-lock.json")
            run(["npm", "install", "--no-audit", "--no-fund", "--loglevel=error"], staging)
            staging.rename(cached)
    target = project / "node_modules"
    if target.exists():
        shutil.rmtree(target)
    subprocess.run(["cp", "-al", str(cached / "node_modules"), str(target)], check=True)


def run(command: list[str], cwd: Path, timeout: int = 600, check: bool = True, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """Run a command in ``cwd``; on failure, raise with its full output for the test report."""
    result = subprocess.run(
        command,
        cwd=cwd,
        env={**NODE_ENV, **(env or {})},
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    if check and result.returncode != 0:
        raise AssertionError(
            f"{' '.join(command)} exited {result.returncode} in {cwd}\n"
            f"--- stdout ---\n{result.stdout[-20000:]}\n--- stderr ---\n{result.stderr[-20000:]}"
        )
    return result
