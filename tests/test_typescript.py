"""`language: typescript` renders the same repo in TypeScript (docs/decisions.md).

The `.ts` files are derived from the JavaScript sources and committed; these tests prove
that they have not drifted, that a TypeScript render passes its own tests with `tsc --noEmit`
in them, that the esbuild bundle SAM deploys answers every fixture as the source does, and
that a language the case cannot have, or a switch on update, is refused.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import copier
import pytest
import yaml
from copier.errors import UserMessageError

from hooks import variants
from tests.support.fuzz import FUZZ_ENV, assert_fuzzed
from tests.support.generated import assert_no_template_leftovers, cfn_lint, cfn_template
from tests.support.matrix import in_language, matrix, typescript_sample
from tests.support.git_history import commit_and_tag, git, init_project_repo, init_template_repo, use_git_identity
from tests.support.node import install_node_modules, run
from tests.support.quiet import assert_quiet
from tests.support.terminal import Questionnaire

ROOT = Path(__file__).resolve().parents[1]
TOOL = ROOT / "tools" / "typescript"
TYPESCRIPT_JSON_API = {"platform": "lambda", "use_case": "json_api", "language": "typescript"}
#: Every auth of the JSON API: each renders other code (src/lib/api-key.ts, iam-caller.ts, none).
AUTH_ANSWERS = {"iam": {}, "api_key": {}, "none": {"public_until": "2099-12-31"}}


def derivation_tool() -> Path:
    """tools/typescript with its pinned TypeScript installed (the Makefile target `make test` needs)."""
    subprocess.run(["make", "--silent", "tools/typescript/node_modules/.package-lock.json"], cwd=ROOT, check=True, capture_output=True)
    return TOOL / "derive.mjs"


def typescript_sources() -> list[str]:
    listed = subprocess.run([str(ROOT / ".venv/bin/python"), str(TOOL / "sources.py")], cwd=ROOT, check=True, capture_output=True, text=True)
    return listed.stdout.split("\n")[:-1]


# ------------------------------------------------------------------ the derivation --
@pytest.mark.xdist_group("typescript_derivation")
def test_the_committed_typescript_is_what_its_javascript_sources_derive() -> None:
    sources = typescript_sources()
    assert len(sources) >= 40, sources  # the JSON API's library, handler, tests and scripts
    checked = subprocess.run(["node", str(derivation_tool()), "--check", *sources], cwd=ROOT / "template", capture_output=True, text=True)
    assert checked.returncode == 0, checked.stderr + "\nrun `make typescript` and commit the .ts files"


@pytest.mark.xdist_group("typescript_derivation")
def test_the_drift_check_names_a_twin_its_source_no_longer_gives(tmp_path: Path) -> None:
    source = tmp_path / "src" / "lib" / "deadline.mjs"
    source.parent.mkdir(parents=True)
    shutil.copy(ROOT / "template/src/lib/deadline.mjs", source)
    shutil.copy(ROOT / "template/src/lib/deadline.ts", source.with_suffix(".ts"))
    derive = derivation_tool()
    assert subprocess.run(["node", str(derive), "--check", "src/lib/deadline.mjs"], cwd=tmp_path).returncode == 0
    source.write_text(source.read_text().replace("@param {number}", "@param {bigint}", 1))
    drifted = subprocess.run(["node", str(derive), "--check", "src/lib/deadline.mjs"], cwd=tmp_path, capture_output=True, text=True)
    assert drifted.returncode == 1
    assert "src/lib/deadline.ts" in drifted.stderr and "make typescript" in drifted.stderr


def test_every_jinja_tag_of_a_source_survives_in_its_twin() -> None:
    for source in typescript_sources():
        if not source.endswith(".jinja"):
            continue
        twin = source.replace(".jinja", ".ts.jinja") if source.startswith("_macros/") else ".ts".join(source.rsplit(".mjs", 1))
        # The twin's tags name the twins: `.mjs` paths become `.ts`, a macro `x.jinja` becomes `x.ts.jinja`.
        expected = re.sub(r"(_macros/\w+)\.jinja", r"\1.ts.jinja", (ROOT / "template" / source).read_text().replace(".mjs", ".ts"))
        assert jinja_tags((ROOT / "template" / twin).read_text()) == jinja_tags(expected), source


def jinja_tags(text: str) -> list[str]:
    return sorted(re.findall(r"\{%.*?%\}|\{\{.*?\}\}", text, re.DOTALL))


# ------------------------------------------------------------- a TypeScript repo --
@pytest.mark.parametrize("auth", sorted(AUTH_ANSWERS))
@pytest.mark.xdist_group("typescript_renders")
def test_a_typescript_json_api_passes_its_own_tests_with_the_type_check(render_project: Callable[..., Path], auth: str) -> None:
    project = render_project(**TYPESCRIPT_JSON_API, auth=auth, **AUTH_ANSWERS[auth])
    code = [path.relative_to(project).as_posix() for folder in variants.LANGUAGE_FOLDERS for path in (project / folder).rglob("*.*js")]
    gate = [path for path in code if path.startswith("scripts/check") or path.startswith("scripts/lib/")]
    assert sorted(code) == sorted(gate), "only the deploy gate stays JavaScript"
    assert_no_template_leftovers(project)

    install_node_modules(project)
    result = run(["npm", "test"], project, env=FUZZ_ENV)
    output = result.stdout + result.stderr
    assert "> tsc --noEmit" in output, "npm test type-checks first"
    summary = dict(re.findall(r"^# (tests|pass|fail) (\d+)$", result.stdout, re.MULTILINE))
    assert int(summary["fail"]) == 0 and int(summary["pass"]) >= 90, result.stdout[-3000:]
    assert {report["target"] for report in assert_fuzzed(output)} == variants.combination_of({}).variant.fuzz_targets
    assert "writes no secret or personal data to any log line" in output
    assert "accepts an order once when 100 identical requests arrive together" in output
    assert_quiet(output)


def test_a_type_error_fails_npm_test(render_project: Callable[..., Path]) -> None:
    project = render_project(**TYPESCRIPT_JSON_API)
    install_node_modules(project)
    orders = project / "src" / "orders.ts"
    orders.write_text(orders.read_text() + "\nexport const broken: number = 'not a number';\n")
    failed = run(["npm", "test"], project, check=False)
    assert failed.returncode != 0
    assert "src/orders.ts" in failed.stdout and "TS2322" in failed.stdout
    assert "# tests" not in failed.stdout, "the tests do not run on code that does not type-check"


#: Loads a handler module and sends it every fixture, as scripts/invoke.ts does.
ANSWER_FIXTURES = """
import { readdirSync, readFileSync } from 'node:fs';
process.env.IDEMPOTENCY_STORE = 'memory';
const { createHandler } = await import(process.argv[2]);
const answers = {};
for (const name of readdirSync(process.argv[3]).sort()) {
  const event = JSON.parse(readFileSync(`${process.argv[3]}/${name}`, 'utf8'));
  const context = { awsRequestId: `fixture-${name}`, getRemainingTimeInMillis: () => 10_000 };
  // A handler of its own for each fixture: two fixtures share an Idempotency-Key on purpose.
  const { statusCode, headers, body } = await createHandler()(event, context);
  const answer = JSON.parse(body);
  // Order ids are random; that there is one is what both handlers must agree on.
  if (typeof answer.orderId === 'string') answer.orderId = 'an id';
  answers[name] = { statusCode, contentType: headers?.['content-type'], body: answer };
}
// The handler logs on stdout too; the answers are the line that starts with ANSWERS.
console.log(`ANSWERS ${JSON.stringify(answers)}`);
"""


@pytest.mark.xdist_group("typescript_renders")
def test_the_esbuild_bundle_answers_every_fixture_as_the_source_does(render_project: Callable[..., Path], tmp_path: Path) -> None:
    project = render_project(**TYPESCRIPT_JSON_API)
    install_node_modules(project)
    run(["npm", "run", "build"], project)
    # Alone, as in the Lambda zip: no node_modules beside it (the runtime has @aws-sdk/*).
    deployed = tmp_path / "lambda-task"
    deployed.mkdir()
    for built in ("handler.mjs", "handler.mjs.map"):
        shutil.copy(project / "dist" / built, deployed / built)
    (deployed / "answer-fixtures.mjs").write_text(ANSWER_FIXTURES)
    (project / "answer-fixtures.mjs").write_text(ANSWER_FIXTURES)

    from_bundle = fixture_answers(deployed, deployed / "handler.mjs", project / "events")
    from_source = fixture_answers(project, project / "src" / "handler.ts", project / "events")
    assert from_bundle == from_source
    assert from_bundle["post-order.json"]["statusCode"] == 202
    assert from_bundle["post-order-bad-json.json"]["statusCode"] == 400
    assert all(answer["statusCode"] < 500 for answer in from_bundle.values()), from_bundle


def fixture_answers(folder: Path, handler: Path, events: Path) -> dict[str, dict]:
    printed = run(["node", "answer-fixtures.mjs", str(handler), str(events)], folder).stdout
    return json.loads(next(line for line in printed.splitlines() if line.startswith("ANSWERS ")).removeprefix("ANSWERS "))


def test_sam_builds_the_typescript_handler_with_esbuild_and_cfn_lint_is_clean(render_project: Callable[..., Path]) -> None:
    project = render_project(**TYPESCRIPT_JSON_API)
    function = next(r for r in cfn_template(project)["Resources"].values() if r["Type"] == "AWS::Serverless::Function")
    assert function["Metadata"]["BuildMethod"] == "esbuild"
    build = function["Metadata"]["BuildProperties"]
    runtime = re.fullmatch(r"nodejs(\d+)\.x", function["Properties"]["Runtime"])
    assert runtime and build["Target"] == f"node{runtime.group(1)}", "esbuild targets the runtime's Node.js"
    assert build["Format"] == "esm" and build["Sourcemap"] is True and "@aws-sdk/*" in build["External"]
    assert build["EntryPoints"] == ["src/handler.ts"]
    lint = cfn_lint(project / "template.yaml")
    assert lint.returncode == 0, lint.stdout


#: The TypeScript combinations whose whole suite the matrix tests do not run (tests/support/matrix.py
#: typescript_sample, and the JSON API's auths above): each still type-checks and bundles.
TYPE_CHECKED_ONLY = {
    name: answers
    for platform in variants.PLATFORMS
    for name, answers in in_language(matrix(platform), "typescript").items()
    if name not in typescript_sample(platform)
}
#: What `npm run build` writes: esbuild's Lambda handler, Wrangler's dry-run bundle of the Worker.
BUNDLES = {"lambda": "dist/handler.mjs", "workers": "dist/index.js"}


@pytest.mark.slow
@pytest.mark.parametrize("answers", TYPE_CHECKED_ONLY.values(), ids=TYPE_CHECKED_ONLY.keys())
def test_every_other_typescript_combination_type_checks_and_bundles(render_project: Callable[..., Path], answers: dict) -> None:
    project = render_project(**answers)
    assert_no_template_leftovers(project)
    install_node_modules(project)
    checked = run(["npm", "run", "typecheck"], project, check=False)
    assert checked.returncode == 0, checked.stdout[-3000:] + checked.stderr[-2000:]
    run(["npm", "run", "build"], project)
    assert (project / BUNDLES[answers["platform"]]).stat().st_size > 1000


# ---------------------------------------------------------------------- refusals --
def test_typescript_is_offered_for_every_case_of_both_platforms() -> None:
    for variant in variants.VARIANTS:
        assert variants.languages_for(variant.platform, variant.use_case) == ("javascript", "typescript"), variant
    assert variants.default("language", "workers", "webhook") == "javascript", "--defaults stays JavaScript"


def test_update_refuses_to_switch_the_language_and_leaves_the_project_alone(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    use_git_identity(monkeypatch)
    template = init_template_repo(tmp_path / "template")
    commit_and_tag(template, "v1.0.0")
    project = tmp_path / "project"
    copier.run_copy(str(template), str(project), vcs_ref="v1.0.0", defaults=True, unsafe=True, quiet=True)
    init_project_repo(project)
    before = git(project, "rev-parse", "HEAD")

    with pytest.raises(UserMessageError) as refused:
        copier.run_update(str(project), data={"language": "typescript"}, defaults=True, unsafe=True, overwrite=True, quiet=True)
    assert "this project is written in javascript" in str(refused.value)
    assert "README: Updating" in str(refused.value)
    assert git(project, "status", "--porcelain") == "" and git(project, "rev-parse", "HEAD") == before
    assert yaml.safe_load((project / ".copier-answers.yml").read_text())["language"] == "javascript"
    assert (project / "src" / "handler.mjs").exists() and not (project / "src" / "handler.ts").exists()


def test_the_update_questionnaire_offers_only_the_language_the_repo_is_written_in(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    use_git_identity(monkeypatch)
    template = init_template_repo(tmp_path / "template")
    commit_and_tag(template, "v1.0.0")
    project = tmp_path / "project"
    copier.run_copy(str(template), str(project), vcs_ref="v1.0.0", defaults=True, unsafe=True, quiet=True)
    init_project_repo(project)

    session = Questionnaire(["update", "--trust", str(project)])
    while (name := session.next_question()) != "language":
        assert name is not None, session.text()[-2000:]
        session.accept_default()
    choices = {choice.title.split(" (")[0]: choice for choice in session.choices()}
    assert not choices["JavaScript"].disabled
    assert choices["TypeScript"].disabled and "this repo is javascript; an update keeps it" in choices["TypeScript"].title
    session.child.sendcontrol("c")
    session.wait_for_exit()
    assert git(project, "status", "--porcelain") == ""
