"""The Workers rate limit seen by a real HTTP client: `npm run dev` (wrangler dev, workerd with
the local Rate Limiting binding) answers a burst of concurrent requests from one caller with
exactly the configured number of successes and the rest 429 problem JSON with Retry-After and
the correlation id, while a second caller is still served.

The generated repo's own tests prove the same inside workerd through the Vitest integration;
this proves the wiring `wrangler dev` and a deploy use: wrangler.jsonc's binding, the
Worker's entry point and the HTTP the client sees.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.support.node import NODE_ENV, install_node_modules

LIMIT = 5
PERIOD = 10
BURST = 30


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def wrangler_dev(project: Path) -> Iterator[tuple[str, list[str]]]:
    """`npm run dev` on a free loopback port; yields its address and its output lines so far."""
    port = free_port()
    log = project / "wrangler-dev.log"
    with open(log, "w") as output:
        server = subprocess.Popen(
            ["npx", "wrangler", "dev", "--ip", "127.0.0.1", "--port", str(port)],
            cwd=project,
            env=NODE_ENV,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: workerd goes down with it
        )
    try:
        deadline = time.monotonic() + 120
        while "Ready on" not in log.read_text():
            if server.poll() is not None or time.monotonic() > deadline:
                raise AssertionError(f"wrangler dev did not start:\n{log.read_text()}")
            time.sleep(0.5)
        yield f"http://127.0.0.1:{port}", log
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)


def post_order(base: str, headers: dict[str, str], number: int) -> tuple[int, dict[str, str], str]:
    request = urllib.request.Request(
        f"{base}/orders",
        method="POST",
        data=json.dumps({"amount": 1299, "currency": "EUR"}).encode(),
        headers={"content-type": "application/json", "idempotency-key": f'"client-{time.time_ns()}-{number}"', "x-correlation-id": f"client-{number}", **headers},
    )
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, {k.lower(): v for k, v in response.headers.items()}, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, {k.lower(): v for k, v in error.headers.items()}, error.read().decode()


def in_one_window(burst: Callable[[int], dict]) -> dict:
    """Runs ``burst(attempt)`` inside one of the binding's clock-aligned windows; a burst that
    crossed into the next window runs again, with callers of its own."""
    for attempt in range(3):
        left = PERIOD - time.time() % PERIOD
        if left < PERIOD / 2:
            time.sleep(left + 0.1)
        started = time.time()
        result = burst(attempt)
        if int(started // PERIOD) == int(time.time() // PERIOD):
            return result
    raise AssertionError("every burst crossed a rate-limit window")


@pytest.mark.slow
@pytest.mark.parametrize("auth", ["api_key", "none"])
def test_one_caller_is_limited_and_another_is_not(render_project: Callable[..., Path], auth: str) -> None:
    public = {"public_until": "2099-01-31"} if auth == "none" else {}
    project = render_project(platform="workers", use_case="json_api", auth=auth, rate_limit_requests=LIMIT, rate_limit_period_s=PERIOD, **public)
    install_node_modules(project)
    if auth == "api_key":
        (project / ".dev.vars").write_text("API_KEYS=" + ",".join(f"key-{caller}-{attempt}" for caller in "ab" for attempt in range(3)) + "\n")

    def callers(attempt: int) -> tuple[dict[str, str], dict[str, str]]:
        if auth == "api_key":
            return {"x-api-key": f"key-a-{attempt}"}, {"x-api-key": f"key-b-{attempt}"}
        # Cloudflare's edge sets cf-connecting-ip on every request (replacing a client's own);
        # wrangler dev sets none, so the client plays the edge here.
        return {"cf-connecting-ip": f"203.0.113.{attempt + 1}"}, {"cf-connecting-ip": f"2001:db8:{attempt + 1}:2::7"}

    with wrangler_dev(project) as (base, log), ThreadPoolExecutor(max_workers=BURST) as pool:

        def burst(attempt: int) -> dict:
            caller_a, caller_b = callers(attempt)
            logged_before = len(log.read_text())
            flood = list(pool.map(lambda number: post_order(base, caller_a, number), range(BURST)))
            other = list(pool.map(lambda number: post_order(base, caller_b, number), range(100, 103)))
            return {"flood": flood, "other": other, "logged_before": logged_before}

        result = in_one_window(burst)
        time.sleep(1)  # wrangler writes the Worker's last log lines after the answers
        logged = log.read_text()[result["logged_before"] :]

    statuses = sorted(status for status, _, _ in result["flood"])
    assert statuses == [202] * LIMIT + [429] * (BURST - LIMIT)
    assert [status for status, _, _ in result["other"]] == [202, 202, 202]
    for status, headers, body in result["flood"]:
        if status != 429:
            continue
        assert headers["content-type"] == "application/problem+json"
        assert headers["retry-after"] == str(PERIOD)
        assert headers["x-correlation-id"].startswith("client-")
        assert json.loads(body) == {
            "type": "about:blank",
            "title": "Too Many Requests",
            "status": 429,
            "error": "rate_limited",
            "detail": f"Too many requests from this caller; retry in {PERIOD} seconds.",
        }
    refusals = [json.loads(line) for line in logged.splitlines() if '"request refused: rate limit exceeded"' in line]
    assert len(refusals) == BURST - LIMIT
    assert {entry["countedBy"] for entry in refusals} == {"api key" if auth == "api_key" else "address"}
    # Only the requests let through reached the side effect.
    assert logged.count('"message":"order accepted"') == LIMIT + 3
