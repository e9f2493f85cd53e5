"""The catalogue of variants (hooks/variants.py), the template's file names, copier.yml and
the tests' answer matrix agree.

- Every file under template/ is claimed: by a feature of the catalogue or as shared.
- Every combination the catalogue allows gets exactly the files its features claim, one
  source per output path, no empty folder; and every path the catalogue can exclude is
  excluded somewhere where it would otherwise be rendered (no dead `_exclude` pattern).
  These checks render the template's file *names* the way Copier does, for every
  combination; a real `copier copy` of a few sets proves that the two agree.
- copier.yml lists the catalogue's choices, and its validators accept exactly the allowed
  combinations; `--data` answers the catalogue does not allow are refused with its message
  (`copier.run_copy --data`, through hooks/given_answers.py).
- The answer matrix of the slow tests covers every choice the catalogue allows.
- Every fixture source renders, for every combination that gets it, into the platform's
  shape; a request fixture (hooks/fixtures.py) carries on each platform exactly what its
  one description says, and an HTTP repo's events/ holds exactly its described requests.
"""

from __future__ import annotations

import base64
import json
import os
import re
import shutil
from collections.abc import Iterator
from functools import cache
from pathlib import Path, PurePosixPath
from typing import Any

import copier
import jinja2
import jinja2.sandbox
from copier.errors import UserMessageError
import pathspec
import pytest
import yaml

from hooks import variants
from hooks.answer_filters import AnswerFilters
from tests.support.git_history import template_files
from tests.support.matrix import CLAUDE_CODE_SETS, LAMBDA_JSON_API_SETS, matrix, required_answers
from tests.support.render import TEMPLATE_ROOT, load_by_path, render, rendered_files

TEMPLATE = TEMPLATE_ROOT / "template"
#: At most this many template files carry a condition in their name (201 before the catalogue).
MAX_CONDITIONAL_NAMES = 40
CONDITION = re.compile(r"\{%-?\s*if .*?%\}|\{%-?\s*endif\s*-?%\}")
#: What copier.yml excludes besides the catalogue's paths (tooling, caches).
STATIC_EXCLUDES = ("_macros", "*.pyc", "__pycache__", ".git", ".DS_Store")
CATALOGUE_QUESTIONS = {
    "platform": variants.PLATFORMS,
    "use_case": variants.USE_CASES,
    "event_source": variants.EVENT_SOURCES,
    "idempotency_store": variants.STORES,
    "auth": variants.AUTHS,
    "signature_scheme": variants.SIGNATURE_SCHEMES,
    "language": variants.LANGUAGES,
}
#: Choice questions whose choices the catalogue accepts or refuses ...
CHECKED_QUESTIONS = ("use_case", "event_source", "idempotency_store", "auth", "language")
#: ... and those whose default it gives (the use case's default is plain json_api).
DEFAULTED_QUESTIONS = ("event_source", "idempotency_store", "auth")


# ------------------------------------------------- the template, as Copier reads it --
def sources() -> list[str]:
    """Template files, relative to template/, without the macros Copier never renders."""
    return sorted(
        path.relative_to(TEMPLATE).as_posix()
        for path in TEMPLATE.rglob("*")
        if path.is_file() and path.relative_to(TEMPLATE).parts[0] != "_macros"
    )


def output_of(source: str) -> str:
    """The output path a source writes when its conditions hold."""
    plain = "/".join(CONDITION.sub("", part) for part in source.removesuffix(".jinja").split("/"))
    return plain.replace("{{_copier_conf.answers_file}}", ".copier-answers.yml")


def claims(output: str) -> list[str]:
    """The catalogue entries (a feature's path or a shared path) that cover ``output``."""
    claimed = {path for feature in variants.FEATURES for path in feature.paths} | set(variants.SHARED) | set(variants.TYPESCRIPT_ONLY)
    # A derived `x.ts` belongs where its source `x.mjs` does.
    source = javascript_source_of(output) or output
    parents = [str(PurePosixPath(*PurePosixPath(source).parts[:depth])) for depth in range(1, len(PurePosixPath(source).parts) + 1)]
    return [parent for parent in parents if parent in claimed]


def javascript_source_of(path: str) -> str | None:
    """`src/x.mjs` for a derived `src/x.ts` (source or output path); None for any other file."""
    if path.split("/")[0] not in variants.LANGUAGE_FOLDERS or ".ts" not in path or path.endswith(".d.ts"):
        return None
    return ".mjs".join(path.rsplit(".ts", 1))


@cache
def derive() -> Any:
    """hooks/context.py's derive, loaded by path as Copier's extension loader does."""
    return load_by_path(TEMPLATE_ROOT / "hooks" / "context.py", "copier_serverless_test_layout_context").derive


_ENV = jinja2.Environment(undefined=jinja2.StrictUndefined)


@cache
def _compiled(part: str) -> jinja2.Template:
    return _ENV.from_string(part)


def answer_sets() -> Iterator[tuple[str, dict[str, Any]]]:
    """Every allowed combination, with and without CORS, CI and MCP."""
    for combination in variants.combinations():
        for with_ci, with_mcp in ((True, False), (False, True)):
            for cors in ("", "https://app.example.com") if combination.use_case == "json_api" else ("",):
                answers = {**required_answers(combination), "with_ci": with_ci, "with_mcp": with_mcp, "cors_origins": cors}
                yield f"{combination.id}{'-cors' if cors else ''}{'-ci' if with_ci else ''}{'-mcp' if with_mcp else ''}", answers


def context_of(answers: dict[str, Any]) -> dict[str, Any]:
    """The answers as Copier's Jinja context has them: defaults filled in, derived values added."""
    platform, use_case = answers.get("platform", "lambda"), answers.get("use_case", "json_api")
    full = {
        "platform": platform,
        "use_case": use_case,
        "project_slug": "orders-api",
        "aws_region": "eu-west-1",
        "public_until": "",
        "cors_origins": "",
        "with_ci": True,
        "with_mcp": False,
        "signature_scheme": "standard_webhooks",
        **{question: variants.default(question, platform, use_case) for question in ("event_source", "idempotency_store", "auth")},
        **answers,
    }
    return {**full, **derive()(full), "_copier_conf": {"answers_file": ".copier-answers.yml"}}


def render_names(answers: dict[str, Any], excluding: bool = True) -> tuple[dict[str, list[str]], set[str]]:
    """({output file: its sources}, output folders) that Copier would write for ``answers``."""
    context = context_of(answers)
    patterns = [*STATIC_EXCLUDES, *context["excluded_paths"].splitlines()] if excluding else list(STATIC_EXCLUDES)
    excluded = pathspec.PathSpec.from_lines("gitignore", patterns)
    files: dict[str, list[str]] = {}
    folders: set[str] = set()
    for path in sorted(TEMPLATE.rglob("*")):
        source = path.relative_to(TEMPLATE).as_posix()
        parts = [_compiled(part).render(context) for part in source.removesuffix(".jinja").split("/")]
        if not all(parts):
            continue
        output = "/".join(parts)
        if excluded.match_file(output):
            continue
        if path.is_dir():
            folders.add(output)
        else:
            files.setdefault(output, []).append(source)
    return files, folders


def test_every_template_file_is_claimed_by_a_feature_or_shared() -> None:
    unclaimed = [source for source in sources() if not claims(output_of(source))]
    assert not unclaimed, f"add these to a feature in hooks/variants.py (or to SHARED): {unclaimed}"
    shared_and_feature = [source for source in sources() if len(claims(output_of(source))) > 1 and set(claims(output_of(source))) & set(variants.SHARED)]
    assert not shared_and_feature, f"claimed as shared and by a feature: {shared_and_feature}"


def test_the_catalogue_claims_only_paths_the_template_writes() -> None:
    outputs = {output_of(source) for source in sources()}
    written = outputs | {str(parent) for output in outputs for parent in PurePosixPath(output).parents}
    for path in [*(path for feature in variants.FEATURES for path in feature.paths), *variants.SHARED]:
        assert path in written, f"hooks/variants.py claims {path}, which no template file writes"
        assert not re.search(r"[*?\[\]!\\]|^/|/$", path), f"{path}: catalogue paths are plain output paths, not patterns"


def test_a_condition_stays_in_a_name_only_where_several_sources_write_one_path() -> None:
    by_output: dict[str, list[str]] = {}
    for source in sources():
        by_output.setdefault(output_of(source), []).append(source)
    # A derived twin is named after its source (tools/typescript/derive.mjs), conditions included.
    written = set(sources())
    twins = {source for source in written if javascript_source_of(source) in written}
    needless = [source for source in sources() if CONDITION.search(source) and len(by_output[output_of(source)]) == 1 and source not in twins]
    assert not needless, f"give these their plain name and claim them in hooks/variants.py: {needless}"
    conditional_folders = [source for source in sources() if any(CONDITION.search(part) for part in source.split("/")[:-1])]
    assert not conditional_folders, conditional_folders
    # Issue 14's bound: where two sources of one path are mostly the same text, merge them.
    conditional = [source for source in sources() if CONDITION.search(source) and source not in twins]
    assert len(conditional) <= MAX_CONDITIONAL_NAMES, f"{len(conditional)} conditional file names: {sorted(conditional)}"



IMPORT_FROM = re.compile(r"""(?:\bfrom|\bimport)\s*\(?\s*['"](\.{1,2}/[^'"]+)['"]""")


def test_the_library_never_imports_up_into_the_app() -> None:
    """src/lib/ is the same on every repo; the app's config and store are passed in."""
    upward = []
    for source in sources():
        output = PurePosixPath(output_of(source))
        if output.parts[:2] != ("src", "lib"):
            continue
        for target in IMPORT_FROM.findall((TEMPLATE / source).read_text()):
            resolved = PurePosixPath(os.path.normpath(output.parent / target))
            if resolved.parts[:2] != ("src", "lib"):
                upward.append(f"{output} imports {target}")
    assert not upward, upward


EXPORTED = re.compile(r"^export (?:async )?(?:function|const|class) (\w+)|^export \{ (\w+)", re.MULTILINE)


def test_owner_files_have_the_same_exports_on_every_platform() -> None:
    """An owner-owned file (copier.yml _skip_if_exists) keeps its names wherever several sources write it."""
    owned = yaml.safe_load((TEMPLATE_ROOT / "copier.yml").read_text())["_skip_if_exists"]
    by_output: dict[str, list[str]] = {}
    for source in sources():
        by_output.setdefault(output_of(source), []).append(source)
    for output in owned:
        assert output in by_output, f"copier.yml lists {output} as owner-owned; no template file writes it"
        exports = {source: sorted(name for found in EXPORTED.findall((TEMPLATE / source).read_text()) for name in found if name) for source in by_output[output]}
        assert len({tuple(names) for names in exports.values()}) == 1, f"{output}: the sources export different names: {exports}"

def test_every_combination_gets_exactly_the_files_its_features_claim() -> None:
    for name, answers in answer_sets():
        files, folders = render_names(answers)
        chosen = variants.Chosen.of(context_of(answers))
        twice = {output: found for output, found in files.items() if len(found) > 1}
        assert not twice, f"{name}: several sources write one path: {twice}"
        kept = {path for feature in variants.FEATURES if feature.applies(chosen) for path in feature.paths}
        for feature in variants.FEATURES:
            for catalogued in feature.paths:
                path = variants.in_language(catalogued, chosen.language)
                present = path in files or path in folders
                if feature.applies(chosen):
                    assert present, f"{name}: feature {feature.name!r} applies but {path} is not rendered"
                elif catalogued not in kept:
                    assert not present, f"{name}: {path} rendered without its feature {feature.name!r}"
        for path in (*variants.SHARED, *(variants.TYPESCRIPT_ONLY if chosen.language == "typescript" else ())):
            path = variants.in_language(path, chosen.language)
            assert path in files or path in folders, f"{name}: shared {path} not rendered"
        empty = [folder for folder in folders if not any(output.startswith(folder + "/") for output in files)]
        assert not empty, f"{name}: empty folders {empty}"
        assert f"events/{chosen_variant(answers).first_fixture}" in files, f"{name}: its first fixture is not rendered"


def chosen_variant(answers: dict[str, Any]) -> variants.Variant:
    return variants.combination_of(answers).variant


def test_every_excludable_path_is_excluded_where_it_would_be_rendered() -> None:
    """No `_exclude` pattern of the catalogue matches nothing over the whole matrix."""
    needed: set[str] = set()
    for _, answers in answer_sets():
        without, without_folders = render_names(answers, excluding=False)
        for pattern in context_of(answers)["excluded_paths"].splitlines():
            path = pattern.removeprefix("/")
            if path in without or path in without_folders:
                needed.add(path)
    excludable = {path for feature in variants.FEATURES for path in feature.paths}
    assert excludable - needed == set(), "these catalogue paths never exclude a file that would be rendered"


@pytest.mark.parametrize(
    "answers",
    [{}, {"platform": "workers", "use_case": "webhook", "idempotency_store": "d1", "signature_scheme": "github", "with_ci": False}],
    ids=["lambda-defaults", "workers-webhook-d1-github"],
)
def test_the_name_rendering_above_is_what_copier_writes(answers: dict[str, Any], tmp_path: Path) -> None:
    project = render(tmp_path / "project", **answers)
    written = {path.relative_to(project).as_posix() for path in rendered_files(project)}
    folders = {path.relative_to(project).as_posix() for path in project.rglob("*") if path.is_dir()}
    files, expected_folders = render_names(answers)
    assert written == set(files)
    assert folders == expected_folders


# ----------------------------------------------------------------- copier.yml --
@cache
def questionnaire() -> dict[str, Any]:
    return yaml.safe_load((TEMPLATE_ROOT / "copier.yml").read_text())


def test_copier_yml_lists_the_catalogues_choices_and_asks_it() -> None:
    config = questionnaire()
    for question, values in CATALOGUE_QUESTIONS.items():
        choices = config[question]["choices"]
        listed = [choice["value"] if isinstance(choice, dict) else choice for choice in choices.values()]
        assert tuple(listed) == values, f"{question}: copier.yml lists {listed}, hooks/variants.py {values}"
    for question in DEFAULTED_QUESTIONS:
        assert config[question]["default"] == f"{{{{ choice_default('{question}') }}}}", question
    for question in CHECKED_QUESTIONS:
        for label, choice in config[question]["choices"].items():
            assert isinstance(choice, dict), f"{question} {label}: needs the catalogue's validator"
            # The language also keeps what an updated repo is written in (hooks/context.py).
            kept = f" or language_kept('{choice['value']}')" if question == "language" else ""
            assert choice["validator"] == f"{{{{ choice_refusal('{question}', '{choice['value']}'){kept} }}}}", (question, label)
    assert config["_exclude"][-1] == "{{ excluded_paths | default('') }}", (
        "the computed exclusions need a default: `copier update` renders them with the old template's hooks"
    )


@pytest.fixture(scope="module")
def plain_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The template without its git folder, so Copier reads it in place (no clone per run)."""
    root = tmp_path_factory.mktemp("plain-template")
    for relative in template_files():
        (root / relative).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(TEMPLATE_ROOT / relative, root / relative)
    return root


def copy_error(template: Path, destination: Path, answers: dict[str, Any]) -> list[str]:
    """The problems `copier copy --data` stops with, one per line ([] when it does not stop).

    hooks/given_answers.py checks the given answers before Copier does and stops with
    Copier's UserMessageError: a header line, then one line per refused answer.
    """
    try:
        copier.run_copy(str(template), str(destination), data=answers, defaults=True, unsafe=True, quiet=True)
    except UserMessageError as error:
        return [line.strip() for line in str(error).splitlines()[1:]]
    return []


#: An answer after every choice question that no validator accepts: a copy that stops with
#: only this problem has accepted every choice before it, without rendering anything.
STOP = {"log_retention_days": 45}
STOPPED = "log_retention_days=45: one of 1, 3, 5, 7, 14, 30, …"


def test_copier_accepts_every_combination_of_the_catalogue(plain_template: Path, tmp_path: Path) -> None:
    refused = {}
    for combination in variants.combinations():
        error = copy_error(plain_template, tmp_path / combination.id, {**required_answers(combination), **STOP})
        if len(error) != 1 or not error[0].startswith(STOPPED):
            refused[combination.id] = error
    assert not refused, refused
    assert not [path for path in tmp_path.rglob("*") if path.is_file()], "nothing is rendered while an answer is refused"


def refusal_cases(question: str) -> Iterator[tuple[dict[str, Any], str]]:
    """(answers, expected message) for every value of ``question`` the catalogue refuses."""
    if question == "use_case":
        contexts = [(platform, variants.USE_CASES[0], {"platform": platform}) for platform in variants.PLATFORMS]
    else:
        contexts = [
            (platform, use_case, {"platform": platform, "use_case": use_case})
            for platform in variants.PLATFORMS
            for use_case in variants.use_cases_on(platform)
        ]
    for platform, use_case, earlier in contexts:
        if question == "idempotency_store" and not variants.stores_for(platform, use_case):
            continue  # not asked
        if question == "auth":
            http = [source for source in variants.event_sources_for(platform, use_case) if variants.is_http(use_case, source)]
            if not http:
                continue  # not asked
            earlier["event_source"] = http[0]
        for value in CATALOGUE_QUESTIONS[question]:
            message = variants.refusal(question, value, platform, use_case)
            if message:
                yield {**earlier, question: value}, f"{question}={json.dumps(value)}: {message.removeprefix(f'{question} {value} ')}"


#: Every case has both languages, so the catalogue refuses none; the refusal of a language
#: switch on update is proven in tests/test_typescript.py.
@pytest.mark.parametrize("question", [question for question in CHECKED_QUESTIONS if question != "language"])
def test_copier_refuses_what_the_catalogue_does_not_allow_with_its_message(question: str, plain_template: Path, tmp_path: Path) -> None:
    cases = list(refusal_cases(question))
    assert cases, f"the catalogue refuses no {question}"
    wrong = {}
    for index, (answers, expected) in enumerate(cases):
        error = copy_error(plain_template, tmp_path / str(index), answers)
        if error != [expected]:
            wrong[str(answers)] = (expected, error)
    assert not wrong, wrong


def test_every_value_the_catalogue_refuses_somewhere_is_allowed_somewhere() -> None:
    for question in CHECKED_QUESTIONS:
        allowed = {getattr(combination, question) for combination in variants.combinations()}
        assert allowed >= set(CATALOGUE_QUESTIONS[question]), f"{question}: never allowed: {set(CATALOGUE_QUESTIONS[question]) - allowed}"


# ------------------------------------------------------------------ the matrix --
def test_the_matrix_renders_every_choice_the_catalogue_allows() -> None:
    rendered = [variants.combination_of(answers) for platform in variants.PLATFORMS for answers in matrix(platform).values()]
    allowed = set(variants.combinations())
    assert set(rendered) <= allowed
    assert len(rendered) == len(set(rendered)), "each combination is rendered once"
    # Everything but the auth of non-API use cases is crossed: every variant with every store.
    crossed = {(c.platform, c.use_case, c.event_source, c.idempotency_store, c.signature_scheme) for c in allowed}
    assert {(c.platform, c.use_case, c.event_source, c.idempotency_store, c.signature_scheme) for c in rendered} == crossed
    assert {(c.platform, c.auth) for c in rendered} == {(c.platform, c.auth) for c in allowed}
    assert {(c.platform, c.use_case, c.event_source, c.auth) for c in rendered if c.use_case == "json_api"} == {
        (c.platform, c.use_case, c.event_source, c.auth) for c in allowed if c.use_case == "json_api"
    }


def test_the_named_answer_sets_are_allowed_combinations() -> None:
    for name, answers in {**CLAUDE_CODE_SETS, **LAMBDA_JSON_API_SETS}.items():
        assert variants.combination_of(answers) in variants.combinations(), name


def test_every_combination_has_the_labels_the_claude_code_files_name() -> None:
    """CLAUDE.md and the prompts name the trigger and the store; a new choice needs its label."""
    for combination in variants.combinations():
        context = context_of(required_answers(combination))
        assert context["event_source_label"], f"{combination.id}: add {combination.event_source} to EVENT_SOURCE_LABELS"
        if combination.idempotency_store:
            assert context["store_label"], f"{combination.id}: add {combination.idempotency_store} to STORE_LABELS"


# ---------------------------------------------------------------- fixtures --
@cache
def content_environment() -> jinja2.Environment:
    """Jinja as Copier renders file contents: its default filters, the answer filters, strict."""
    return jinja2.sandbox.SandboxedEnvironment(
        loader=jinja2.FileSystemLoader(TEMPLATE_ROOT),
        extensions=["jinja2_ansible_filters.AnsibleCoreFiltersExtension", AnswerFilters],
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
    )


def rendered_fixtures(answers: dict[str, Any]) -> dict[str, Any]:
    """{events/ file name: its parsed JSON} of the repo ``answers`` render."""
    files, _ = render_names(answers)
    context = {**context_of(answers), "project_name": "Orders API", "owner": "you@example.com", "max_body_kb": 64}
    found = {}
    for output, (source,) in files.items():
        if output.startswith("events/"):
            text = content_environment().get_template(f"template/{source}").render(context)
            found[output.removeprefix("events/")] = json.loads(text)
    return found


def assert_platform_shape(name: str, fixture: dict[str, Any], platform: str) -> None:
    """A Lambda event or a Workers fixture, as the platform's invoke script reads it."""
    if platform == "lambda":
        kinds = {"version" in fixture and fixture["version"] == "2.0", "Records" in fixture, "detail-type" in fixture, fixture.get("Event") == "s3:TestEvent"}
    else:
        kinds = {fixture.get("url", "").startswith("https://"), "messages" in fixture and "queue" in fixture, "cron" in fixture}
    assert True in kinds, f"{platform} {name}: not a {platform} fixture: {sorted(fixture)[:6]}"


def assert_carries(name: str, fixture: dict[str, Any], request: dict[str, Any], platform: str, context: dict[str, Any]) -> None:
    """The rendered fixture sends exactly what its description says, in the platform's shape."""
    if platform == "lambda":
        method, path = fixture["requestContext"]["http"]["method"], fixture["rawPath"]
        body = fixture.get("body")
        if fixture["isBase64Encoded"]:
            body = base64.b64decode(body).decode()
        assert fixture["requestContext"]["requestId"] == request["request_id"], name
    else:
        method, path, body = fixture["method"], fixture["url"].split(".workers.dev", 1)[1], fixture.get("body")
    assert (method, path, body) == (request["method"], request["path"], request["body"]), name
    assert fixture["headers"].items() >= request["headers"].items(), f"{platform} {name}: headers differ from the description"
    if context["effective_auth"] == "api_key":
        assert "x-api-key" in fixture["headers"], f"{platform} {name}: fixtures send the local API key"
    assert fixture.get("sign") == request["sign"], f"{platform} {name}: the sign block differs from the description"


def assert_reports_upload(name: str, fixture: dict[str, Any], upload: dict[str, Any], platform: str) -> None:
    """An object-created fixture reports the one upload its description names."""
    if platform == "lambda":
        (record,) = fixture["Records"]
        stored = record["s3"]["object"]
    else:
        (message,) = fixture["messages"]
        assert message["id"] == upload["message_id"] and message["body"]["action"] == "PutObject", name
        stored = message["body"]["object"]
    assert (stored["key"], stored["size"], stored["eTag"]) == (upload["key"], upload["size"], upload["etag"]), f"{platform} {name}"

def test_every_fixture_renders_on_each_platform_that_gets_it_as_its_one_description_says() -> None:
    described: dict[tuple[str, str], dict[str, Any]] = {}
    for combination in variants.combinations():
        answers = required_answers(combination)
        context = context_of(answers)
        fixtures = rendered_fixtures(answers)
        assert fixtures, f"{combination.id}: no fixtures"
        for name, fixture in fixtures.items():
            assert_platform_shape(name, fixture, combination.platform)
        requests = context["request_fixtures"]
        if context["is_http"]:
            assert set(fixtures) == set(requests), (
                f"{combination.id}: events/ and hooks/fixtures.py differ: {set(fixtures) ^ set(requests)}"
            )
        else:
            assert not requests, f"{combination.id}: request fixtures described for a repo without HTTP"
        for name, request in requests.items():
            assert_carries(name, fixtures[name], request, combination.platform, context)
            if request["after"]:
                assert request["after"] in requests, f"{name} is sent after {request['after']}, which {combination.id} lacks"
            described.setdefault((combination.use_case, name), {})[combination.platform] = request
        ids = [fixture["requestContext"]["requestId"] for fixture in fixtures.values() if "requestContext" in fixture]
        assert len(ids) == len(set(ids)), f"{combination.id}: two fixtures share an API Gateway request id"
        for name, upload in context["object_fixtures"].items():
            assert name in fixtures, f"{combination.id}: {name} is described but not rendered"
            assert_reports_upload(name, fixtures[name], upload, combination.platform)
    both = [key for key, platforms in described.items() if len(platforms) == 2]
    assert both, "no request fixture exists on both platforms"
    for key in both:
        lambda_request, workers_request = described[key]["lambda"], described[key]["workers"]
        assert lambda_request == workers_request, f"{key}: the platforms describe it differently"
