"""A passing `npm test` or `npm install` of a generated repo prints no warning the project can fix.

The signatures below are the ones this template has caused before and that a careful
owner would take for a fault: Node's process warnings (an SDK asking for a newer Node),
npm's warnings (engines, unreviewed install scripts, deprecations), workerd's header and
WebSocket noise, the Vitest plugin's missing-module reports, Vitest's tuning hints, and
Wrangler's update notice. The generated repo's own JSON log lines and test titles may say
"warn" and are not noise.
"""

from __future__ import annotations

import json
import re

NOISE = re.compile(
    r"warn|deprecat|\(node:\d+\)|non-ASCII|disconnected|not available at this Worker|Fallback service"
    r"|isolate: false|update available|EBADENGINE|Unsupported engine|\[vitest-plugin\]|workerd/",
    re.IGNORECASE,
)
#: TAP test titles and subtests (node --test), which name behaviour rather than report it.
TEST_TITLE = re.compile(r"^\s*(?:(?:not )?ok \d+ - |# Subtest: )")


def is_log_line(line: str) -> bool:
    try:
        entry = json.loads(line)
    except ValueError:
        return False
    return isinstance(entry, dict) and "level" in entry


def noise_lines(output: str) -> list[str]:
    return [
        line
        for line in output.splitlines()
        if NOISE.search(line) and not TEST_TITLE.match(line) and not is_log_line(line.strip())
    ]


def assert_quiet(output: str, what: str = "npm test") -> None:
    noise = noise_lines(output)
    assert not noise, f"{what} printed {len(noise)} warning line(s) the project can fix, e.g.:\n" + "\n".join(
        line[:300] for line in noise[:5]
    )
