"""Run generated repos on Node.js 22+, and install their npm dependencies once per package.json.

Every generated-repo command (npm, node, wrangler) runs with ``NODE_ENV``, whose PATH
starts with a node that satisfies the generated ``engines`` (>= 22.12): the machine's
own, or the pinned Node.js 22 that ``make node22`` installs under .cache/.

Every answer set with the same package.json shares one install in a cache folder;
each rendered project gets a hard-linked copy of its node_modules, which takes a
second instead of a network install. This keeps the whole matrix inside CI time.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import re
import shutil
import subprocess
from pathlib import Path

from tests.support.timings import timed

ROOT = Path(__file__).resolve().parents[2]
CACHE_ROOT = Path(os.environ.get("COPIER_SERVERLESS_CACHE", ROOT / ".cache"))

#: Generated repos need this Node.js (package.json engines, from pins.toml).
MINIMUM_NODE = (22, 12)
#: Where `make node22` puts the pinned Node.js 22 (tests/node22/package.json).
NODE22_BIN = ROOT / ".cache" / "node22" / "node_modules" / ".bin"


def node_version(node: str | Path) -> tuple[int, ...]:
    """(major, minor, patch) of a node binary."""
    printed = subprocess.run([str(node), "--version"], capture_output=True, text=True, check=True).stdout
    match = re.fullmatch(r"v(\d+)\.(\d+)\.(\d+)\s*", printed)
    assert match, f"{node} --version printed {printed!r}"
    return tuple(int(part) for part in match.groups())


def generated_repo_node_dir() -> Path:
    """The folder whose `node` runs every generated-repo command.

    The machine's own node when it is new enough; otherwise the pinned Node.js 22 under
    .cache/, installed by the Makefile on first use (the same target `make test` runs).
    """
    machine = shutil.which("node")
    if machine and node_version(machine)[:2] >= MINIMUM_NODE:
        return Path(machine).parent
    if not (NODE22_BIN / "node").exists():
        (ROOT / ".cache").mkdir(exist_ok=True)
        with open(ROOT / ".cache" / "node22.lock", "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)  # pytest-xdist workers start together
            if not (NODE22_BIN / "node").exists():
                subprocess.run(["make", "--no-print-directory", "node22"], cwd=ROOT, check=True, capture_output=True)
    return NODE22_BIN


NODE_DIR = generated_repo_node_dir()
#: PATH with the generated repos' node first; npm (a node script) then runs on it too.
NODE_PATH = os.pathsep.join([str(NODE_DIR), os.environ.get("PATH", "")])

INSTALL_LOG = "npm-install.log"

#: Environment for every npm/node/wrangler call: quiet and offline-friendly.
NODE_ENV = {
    **os.environ,
    "PATH": NODE_PATH,
    "CI": "true",
    "WRANGLER_SEND_METRICS": "false",
    "NO_UPDATE_NOTIFIER": "1",
    "npm_config_fund": "false",
    "npm_config_audit": "false",
    "npm_config_update_notifier": "false",
}


def dependency_key(project: Path) -> str:
    manifest = json.loads((project / "package.json").read_text())
    relevant = {key: manifest.get(key) for key in ("dependencies", "devDependencies", "overrides", "allowScripts", "engines")}
    relevant["node"] = node_version(NODE_DIR / "node")[0]  # the install ran on this major
    lock = project / "package-lock.json"
    material = json.dumps(relevant, sort_keys=True) + (lock.read_text() if lock.exists() else "")
    return hashlib.sha256(material.encode()).hexdigest()[:16]


def install_log(project: Path) -> str:
    """What `npm install` printed when the cached install of ``project``'s package.json was made."""
    return (CACHE_ROOT / "node_modules" / dependency_key(project) / INSTALL_LOG).read_text()


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
            # npm's default log level, so the warnings an owner would see are kept (install_log).
            installed = run(["npm", "install", "--no-audit", "--no-fund"], staging, phase="npm install")
            (staging / INSTALL_LOG).write_text(installed.stdout + installed.stderr)
            staging.rename(cached)
    target = project / "node_modules"
    with timed("node_modules copy"):
        if target.exists():
            shutil.rmtree(target)
        subprocess.run(["cp", "-al", str(cached / "node_modules"), str(target)], check=True)


def run(
    command: list[str], cwd: Path, timeout: int = 600, check: bool = True, env: dict[str, str] | None = None, phase: str | None = None
) -> subprocess.CompletedProcess[str]:
    """Run a command in ``cwd``; on failure, raise with its full output for the test report.
    ``phase`` names it in the suite's timings (tests/support/timings.py)."""
    with timed(phase or f"generated repo: {Path(command[0]).name}"):
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
