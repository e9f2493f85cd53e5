"""The caches that make a copy faster give what the uncached computation gives.

Two memos sit on the render path (bench/README.md, "Where the time goes"): the Claude
Code policy in hooks/claude_policy.py and the derived values per set of answers in
hooks/context.py. Each must be invisible: the same values as without it, and nothing a
caller changes in what it got may reach the next caller.
"""

from __future__ import annotations

import copy
import importlib.util
import sys
from dataclasses import asdict
from functools import cache
from pathlib import Path
from types import ModuleType
from typing import Any

import jinja2
import pytest

from hooks import claude_policy
from tests.support.render import TEMPLATE_ROOT

MCP_DENY_SETS: tuple[tuple[str, ...], ...] = ((), ("mcp__aws-serverless__sam_deploy", "mcp__aws-serverless__sam_delete"))
PLATFORMS = ("lambda", "workers")


# ------------------------------------------------------------- the policy --
def guard_policy_as_computed_before_the_cache() -> dict[str, Any]:
    """guard_policy's formula before it was cached: one asdict per table row."""
    return {
        "mutations": [
            {key: value for key, value in asdict(mutation).items() if value or key in {"program", "words"}}
            for mutation in claude_policy.CLOUD_MUTATIONS
        ],
        "globalValueOptions": claude_policy.GLOBAL_VALUE_OPTIONS,
        "gateFiles": list(claude_policy.GATE_FILES),
        "credentialDirs": list(claude_policy.CREDENTIAL_DIRS),
    }


@pytest.mark.parametrize("platform", PLATFORMS)
@pytest.mark.parametrize("mcp_deny", MCP_DENY_SETS)
def test_the_cached_permission_lists_are_the_uncached_ones(platform: str, mcp_deny: tuple[str, ...]) -> None:
    claude_policy._permission_lists.cache_clear()
    uncached = {key: list(rules) for key, rules in claude_policy._permission_lists.__wrapped__(platform, mcp_deny)}
    first, second = claude_policy.permission_lists(platform, list(mcp_deny)), claude_policy.permission_lists(platform, mcp_deny)
    assert first == second == uncached
    assert claude_policy._permission_lists.cache_info().hits == 1, "a list and a tuple of the same rules are one key"
    assert all(type(rules) is list for rules in first.values())


def test_the_cached_guard_policy_is_the_one_computed_row_by_row() -> None:
    claude_policy._guard_mutations.cache_clear()
    assert claude_policy.guard_policy() == claude_policy.guard_policy() == guard_policy_as_computed_before_the_cache()
    assert claude_policy._guard_mutations.cache_info().hits == 1
    assert claude_policy.mutation_rules("ask") == list(claude_policy._mutation_rules.__wrapped__("ask"))


def test_changing_a_returned_policy_does_not_change_the_next_one() -> None:
    permissions = claude_policy.permission_lists("lambda", MCP_DENY_SETS[1])
    guard = claude_policy.guard_policy()
    rules = claude_policy.mutation_rules("deny")
    expected = copy.deepcopy((permissions, guard, rules))

    permissions["allow"].append("Bash(*)")
    permissions["deny"].clear()
    permissions["ask"] = []
    guard["mutations"][0]["program"] = "echo"
    guard["mutations"][0]["decision"] = "allow"
    guard["mutations"].pop()
    guard["globalValueOptions"]["aws"] = ()
    guard["gateFiles"].clear()
    rules.append("Bash(rm *)")

    assert (claude_policy.permission_lists("lambda", MCP_DENY_SETS[1]), claude_policy.guard_policy(), claude_policy.mutation_rules("deny")) == expected
    assert claude_policy.GLOBAL_VALUE_OPTIONS["aws"], "the module's table is not handed out"


# ------------------------------------------------------- the context memo --
@cache
def context_module() -> ModuleType:
    """hooks/context.py, loaded by path as Copier's extension loader does."""
    spec = importlib.util.spec_from_file_location("copier_serverless_test_render_caches_context", TEMPLATE_ROOT / "hooks" / "context.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def test_the_derived_values_are_computed_once_per_set_of_answers() -> None:
    context = context_module()
    hook = context.DerivedContext(jinja2.Environment())
    answers = {"use_case": "webhook", "platform": "workers", "project_slug": "hooks-in", "with_ci": False, "public_until": ""}
    top_level = {**answers, "_copier_conf": {"answers_file": ".copier-answers.yml"}, "_folder_name": "x"}
    # An imported macro or an included file sees the derived values too, in another order.
    nested = {"is_workers": True, "stack_name": "stale", **dict(reversed(answers.items())), "_copier_python": "python3"}
    assert context.answers_key(top_level) == context.answers_key(nested) == context.answers_key(answers)

    context._derive_once.cache_clear()
    hook.hook(top_level)
    hook.hook(nested)
    assert context._derive_once.cache_info().misses == 1
    values = {name: value for name, value in context.derive(answers).items() if not callable(value)}
    assert {name: top_level[name] for name in values} == {name: nested[name] for name in values} == values
    assert nested["stack_name"] == "hooks-in-dev"
