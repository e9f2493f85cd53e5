"""`make demo`: render the default project, install it, run its tests, invoke it twice.

One progress line per step, the tools' own output in log files (shown when a step
fails), and a closing summary of what the run proved. The Makefile prints step 1 (the
Python and Node.js tools) before this script can run; this script does steps 2 to 5.

Usage: python tools/demo.py <project folder>
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
STEPS = 5
FIXTURE = "events/post-order.json"
#: What the Lambda handler adds to a response it answers from its idempotency record.
REPLAY_HEADER = "idempotent-replayed"


def say(number: int, text: str) -> None:
    print(f"[{number}/{STEPS}] {text}", flush=True)


def run(args: list[str], cwd: Path, log: Path) -> tuple[str, str]:
    """Run a step's command with its output in ``log``; its output and how long it took.
    Stops the demo with the output's end when the command fails."""
    started = time.monotonic()
    result = subprocess.run(args, cwd=cwd, capture_output=True, text=True, check=False)
    output = result.stdout + result.stderr
    log.write_text(output)
    if result.returncode != 0:
        print("\n".join(output.splitlines()[-30:]), file=sys.stderr)
        sys.exit(f"\n`{' '.join(args)}` failed (exit {result.returncode}); its whole output is in {log}")
    return output, f"{time.monotonic() - started:.0f} s"


def copier_message(stderr: str) -> list[str]:
    """The after-copy message without Copier's per-file lines, up to its next steps."""
    plain = re.sub(r"\x1b\[[0-9;]*m", "", stderr).splitlines()
    start = next((index for index, line in enumerate(plain) if line.startswith("Your ")), len(plain))
    lines = []
    for line in plain[start:]:
        if line.startswith("Next steps:"):
            break
        lines.append(line)
    while lines and not lines[-1].strip():
        lines.pop()
    return lines


@dataclass(frozen=True)
class TestCounts:
    tests: int
    passed: int
    failed: int


def test_counts(output: str) -> TestCounts:
    """The totals `node --test` prints last (`# pass 12` in TAP, `ℹ pass 12` in spec)."""
    found = {name: int(count) for name, count in re.findall(r"^(?:#|ℹ) (tests|pass|fail) (\d+)$", output, re.MULTILINE)}
    return TestCounts(found.get("tests", 0), found.get("pass", 0), found.get("fail", 0))


@dataclass(frozen=True)
class Invocation:
    status: int
    headers: dict[str, str]
    body: object


def invocations(output: str) -> list[Invocation]:
    """The responses `npm run invoke` printed, in order (`response: {…}` blocks)."""
    found = []
    for block in re.findall(r"^response: (\{.*?^\})$", output, re.MULTILINE | re.DOTALL):
        response = json.loads(block)
        found.append(Invocation(response["statusCode"], response.get("headers", {}), response.get("body")))
    return found


def replay_summary(first: Invocation, second: Invocation) -> list[str]:
    """What the two invokes of one fixture proved, in words."""
    replayed = second.headers.get(REPLAY_HEADER) == "true" and REPLAY_HEADER not in first.headers
    same = first.status == second.status and first.body == second.body
    lines = [f"  invoke 1   {first.status}: the order is taken"]
    if replayed and same:
        lines.append(f"  invoke 2   {second.status}, same body, header {REPLAY_HEADER}: true (a replay)")
    else:
        lines.append(f"  invoke 2   {second.status}: NOT a replay of the first (headers {second.headers})")
    return lines


def main(folder: str) -> int:
    project = Path(folder).resolve()
    logs = ROOT / ".cache" / "demo"
    logs.mkdir(parents=True, exist_ok=True)
    shutil.rmtree(project, ignore_errors=True)
    copier = str(Path(sys.executable).with_name("copier"))

    say(2, f"render: copier copy --trust --defaults . {folder}")
    rendered, took = run([copier, "copy", "--trust", "--defaults", str(ROOT), str(project)], ROOT, logs / "render.log")
    files = sum(1 for path in project.rglob("*") if path.is_file())
    for line in copier_message(rendered):
        print(f"      {line}" if line else "")
    print(f"      ({files} files, {took})", flush=True)

    say(3, "install: npm install (the generated package.json's pinned dev dependencies)")
    installed, took = run(["npm", "install", "--no-audit", "--no-fund"], project, logs / "install.log")
    added = re.search(r"added (\d+) packages?", installed)
    print(f"      {added.group(1) if added else 'no new'} packages, {took}", flush=True)

    say(4, "test: npm test (unit tests, then integration tests against a local DynamoDB)")
    tested, took = run(["npm", "test"], project, logs / "test.log")
    counts = test_counts(tested)
    print(f"      {counts.passed} of {counts.tests} tests passed, {took}", flush=True)

    say(5, f"invoke: npm run invoke -- {FIXTURE} {FIXTURE} (the same request twice)")
    invoked, _took = run(["npm", "run", "invoke", "--", FIXTURE, FIXTURE], project, logs / "invoke.log")
    responses = invocations(invoked)
    if len(responses) != 2:
        sys.exit(f"expected two responses from npm run invoke; see {logs / 'invoke.log'}")

    print()
    print(f"Done: {folder}/ holds a Lambda JSON API (every answer at its default).")
    print(f"  npm test   {counts.passed} of {counts.tests} tests passed")
    for line in replay_summary(*responses):
        print(line)
    print(f"  logs       {logs.relative_to(ROOT)}/ holds each step's output")
    print()
    print("Try next:")
    print(f"  cd {folder}")
    print("  npm run invoke -- events/post-order-invalid-input.json   # a 400 with details")
    print("  claude           # then type /requirements: what the function must do")
    return 0 if counts.failed == 0 and counts.passed > 0 else 1


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__.strip().splitlines()[-1])
    sys.exit(main(sys.argv[1]))
