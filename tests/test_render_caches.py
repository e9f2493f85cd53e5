"""The caches that make a copy faster give what the uncached computation gives.

Three memos sit on the render path (bench/README.md, "Where the time goes"): the Claude
Code policy in hooks/claude_policy.py, the derived values per set of answers in
hooks/context.py, and the compiled Jinja sources in hooks/compile_memo.py. Each must be
invisible: the same values and files as without it, and nothing a caller changes in what
it got may reach the next caller.
"""

from __future__ import annotations

import copy
import shutil
from dataclasses import asdict
from functools import cache
from pathlib import Path
from types import ModuleType
from typing import Any

import copier
import jinja2
import pytest
import yaml
from copier._jinja_ext import YieldExtension, get_yield_context
from jinja2.sandbox import SandboxedEnvironment

from hooks import claude_policy, compile_memo, given_answers
from tests.support.git_history import template_files
from tests.support.render import TEMPLATE_ROOT, load_by_path
from tests.support.tree_hashes import tree_hash

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
    return load_by_path(TEMPLATE_ROOT / "hooks" / "context.py", "copier_serverless_test_render_caches_context")


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


def test_the_question_names_are_read_alike_with_and_without_libyaml() -> None:
    """The memo key's question list comes from given_answers.questions, which uses libyaml when it can."""
    text = (TEMPLATE_ROOT / "copier.yml").read_text()
    pure_python = yaml.load(text, Loader=yaml.SafeLoader)  # noqa: S506 - a safe loader
    assert given_answers.questions() == {name: spec for name, spec in pure_python.items() if not name.startswith("_") and isinstance(spec, dict)}
    assert context_module()._QUESTIONS == tuple(given_answers.questions())


# ---------------------------------------------------------- the compile memo --
def environments(*extensions: type[jinja2.ext.Extension]) -> tuple[SandboxedEnvironment, SandboxedEnvironment]:
    """Copier's kind of environment (copier.yml `_envops`), without and with the memo."""
    options: dict[str, Any] = {"undefined": jinja2.StrictUndefined, "keep_trailing_newline": True}
    return (
        SandboxedEnvironment(extensions=list(extensions), **options),
        SandboxedEnvironment(extensions=[*extensions, compile_memo.CompileMemo], **options),
    )


def path_parts() -> list[str]:
    """Every part of every path under template/, as Copier renders them."""
    return sorted({part for path in (TEMPLATE_ROOT / "template").rglob("*") for part in path.relative_to(TEMPLATE_ROOT / "template").parts})


@pytest.mark.parametrize("answers", [{"is_lambda": True, "is_workers": False, "use_case": "json_api", "event_source": "http_api", "is_http": True, "consumes_queue": False, "is_event_consumer": False}, {"is_lambda": False, "is_workers": True, "use_case": "webhook", "event_source": "fetch", "is_http": True, "consumes_queue": False, "is_event_consumer": False}])
def test_the_compile_memo_renders_every_path_name_as_jinja_does(answers: dict[str, Any]) -> None:
    plain, memo = environments()
    names = [*path_parts(), "{{_copier_conf.answers_file}}", ".copier-answers.yml"]
    context = {**answers, "_copier_conf": {"answers_file": ".copier-answers.yml"}}
    for _ in range(2):  # the second round is answered from the memo
        assert [memo.from_string(name).render(context) for name in names] == [plain.from_string(name).render(context) for name in names]
    assert memo.compile("{{ is_lambda }}") is memo.compile("{{ is_lambda }}")
    assert memo.compile("{{ is_lambda }}", raw=True) == plain.compile("{{ is_lambda }}", raw=True)


def test_the_compile_memo_keeps_no_failed_compile_and_leaves_named_templates_to_jinja() -> None:
    _, memo = environments()
    for _ in range(2):
        with pytest.raises(jinja2.TemplateSyntaxError):
            memo.from_string("{% if is_lambda %}never closed")
    assert memo.extensions[f"{compile_memo.__name__}.CompileMemo"].compiled == {}
    memo.compile("{{ x }}", name="a.jinja")
    assert memo.extensions[f"{compile_memo.__name__}.CompileMemo"].compiled == {}


def test_copiers_yield_tag_is_reset_before_every_path_name_with_the_memo() -> None:
    """Copier reads the yield context after rendering each path part (copier/_main.py `_render_parts`)
    and relies on the yield extension's `preprocess` to reset it before the next one."""
    plain, memo = environments(YieldExtension)
    looped = "{% yield name from names %}{{ name }}{% endyield %}"
    for environment in (plain, memo):
        seen = []
        for source in (looped, looped, "src", looped, "src"):
            seen.append((environment.from_string(source).render(names=["a", "b"]), get_yield_context(environment).yield_name))
        assert seen == [("", "name"), ("", "name"), ("src", None), ("", "name"), ("src", None)]


@pytest.fixture
def template_copy(tmp_path: Path) -> Path:
    """The template without its git folder, so Copier reads it in place."""
    root = tmp_path / "template"
    for relative in template_files():
        (root / relative).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(TEMPLATE_ROOT / relative, root / relative)
    return root


def test_copier_renders_the_same_files_with_and_without_the_compile_memo(template_copy: Path, tmp_path: Path) -> None:
    answer_sets: dict[str, dict[str, Any]] = {"defaults": {}, "workers-webhook": {"platform": "workers", "use_case": "webhook", "with_mcp": True}}
    config = template_copy / "copier.yml"
    memo_line = "  - hooks/compile_memo.py:CompileMemo\n"
    assert memo_line in config.read_text()

    def trees(label: str) -> dict[str, tuple[str, int]]:
        for name, answers in answer_sets.items():
            copier.run_copy(str(template_copy), str(tmp_path / label / name), data=answers, defaults=True, unsafe=True, quiet=True)
        return {name: tree_hash(tmp_path / label / name) for name in answer_sets}

    with_memo = trees("with")
    config.write_text(config.read_text().replace(memo_line, ""))
    assert with_memo == trees("without")
