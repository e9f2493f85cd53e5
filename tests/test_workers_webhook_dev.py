"""A Workers webhook in development: `npm run send` against the real `wrangler dev`.

The README's steps, in order: `npm run send -- --dev-vars` once, `npm run dev` (here on a
free port), then signed fixtures posted to it. A plain unsigned POST is refused, a valid
delivery is accepted and its second send is a replay, a delivery signed with a wrong
secret is refused, and the dev server's log line for that refusal names its route.
"""

from __future__ import annotations

import json
import re
import socket
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.node import NODE_ENV, install_node_modules, run
from tests.support.render import render

pytestmark = pytest.mark.slow


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def dev_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, str, Path]]:
    """A Stripe webhook project, its `wrangler dev` URL, and the file the server logs to."""
    project = render(tmp_path_factory.mktemp("dev") / "stripe-hooks", platform="workers", use_case="webhook",
                     signature_scheme="stripe", owner="payments@acme.test")
    install_node_modules(project)
    said = run(["npm", "run", "--silent", "send", "--", "--dev-vars"], project).stdout
    assert ".dev.vars: WEBHOOK_SECRETS accepts the local fixture secrets" in said
    port = free_port()
    log = project / "wrangler-dev.log"
    with open(log, "w") as output:
        server = subprocess.Popen(["npx", "wrangler", "dev", "--ip", "127.0.0.1", "--port", str(port)],
                                  cwd=project, env=NODE_ENV, stdout=output, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 120
        while "Ready on" not in log.read_text():
            assert server.poll() is None and time.monotonic() < deadline, log.read_text()[-3000:]
            time.sleep(0.5)
        yield project, f"http://127.0.0.1:{port}", log
    finally:
        server.terminate()
        server.wait(timeout=30)


def send(project: Path, url: str, *fixtures: str) -> list[dict]:
    """`npm run send` with the fixtures; the responses it printed, in order."""
    printed = run(["npm", "run", "--silent", "send", "--", *fixtures], project, env={"SEND_URL": url}).stdout
    return [json.loads(block) for block in re.findall(r"^(\{.*?^\})$", printed, re.MULTILINE | re.DOTALL)]


def test_a_plain_post_is_refused(dev_server: tuple[Path, str, Path]) -> None:
    _project, url, _log = dev_server
    request = urllib.request.Request(f"{url}/webhook", data=b'{"id":"evt_1"}', method="POST",
                                     headers={"content-type": "application/json"})
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request, timeout=30)
    assert refused.value.code == 401


def test_send_signs_a_fixture_and_the_second_send_is_a_replay(dev_server: tuple[Path, str, Path]) -> None:
    project, url, _log = dev_server
    first, second = send(project, url, "events/delivery-valid.json", "events/delivery-valid.json")
    assert (first["status"], second["status"]) == (200, 200)
    assert "idempotent-replayed" not in first["headers"]
    assert second["headers"]["idempotent-replayed"] == "true" and second["body"] == first["body"]


def test_a_wrong_secret_is_refused_and_the_log_names_the_route(dev_server: tuple[Path, str, Path]) -> None:
    project, url, log = dev_server
    (refused,) = send(project, url, "events/delivery-wrong-secret.json")
    assert refused["status"] == 401 and refused["body"]["error"] == "unauthorized"
    correlation = refused["headers"]["x-correlation-id"]
    deadline = time.monotonic() + 10
    while not (lines := [json.loads(line) for line in log.read_text().splitlines() if correlation in line and line.startswith("{")]):
        assert time.monotonic() < deadline, log.read_text()[-3000:]
        time.sleep(0.2)
    completed = [line for line in lines if line["message"] == "request completed"]
    assert completed and completed[0]["route"] == "POST /webhook" and completed[0]["status"] == 401
