"""A failing fuzz property in a generated repo says what failed, even when its event is
nested thousands of levels deep (the fuzz sends such events on purpose). fast-check's own
printer overflows the stack on them, and CI then showed only a RangeError from fast-check:
no seed, no event, no broken check."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from tests.support.node import install_node_modules, run

pytestmark = pytest.mark.slow

# A property that fails on a message nested 12 000 levels deep, reported the way the
# generated test/support/fuzz.mjs reports (same reporter, same options).
FAILING_PROPERTY = """
import fc from 'fast-check';
import { reportFuzzFailure } from './test/support/fuzz-failure.mjs';

let nested = { email: 'someone@example.com' };
for (let level = 0; level < 12_000; level += 1) nested = { a: nested };
const event = { messages: [{ id: 'm-1', body: { type: 'invoice.issued', data: nested } }] };
const options = { numRuns: 5, seed: 42, includeErrorInReport: true };

for (const [name, reporter] of [['default', undefined], ['ours', reportFuzzFailure]]) {
  try {
    await fc.assert(
      fc.asyncProperty(fc.constant(event), async () => {
        throw new Error('message m-1 was not acknowledged');
      }),
      { ...options, reporter },
    );
    console.log(`${name}: passed`);
  } catch (error) {
    console.log(`${name}: ${error.name}: ${error.message.replaceAll('\\n', ' | ')}`);
  }
}
"""


@pytest.mark.parametrize("platform", ["lambda", "workers"])
def test_a_failure_on_a_deeply_nested_event_names_seed_event_and_check(render_project: Callable[..., Path], platform: str) -> None:
    project = render_project(platform=platform, use_case="queue_consumer")
    install_node_modules(project)
    script = project / "failing-property.mjs"
    script.write_text(FAILING_PROPERTY)
    printed = run(["node", script.name], project).stdout
    default, ours = printed.strip().splitlines()

    # Without the reporter, fast-check's printer is what fails (this is why the reporter exists).
    assert default.startswith("default: RangeError: Maximum call stack size exceeded"), printed
    assert ours.startswith("ours: Error: Property failed after 1 tests"), printed
    assert "seed: 42" in ours
    assert "[deeper than 16 levels, not printed]" in ours
    assert "message m-1 was not acknowledged" in ours
    assert "'invoice.issued'" in ours or '"invoice.issued"' in ours
