"""The toolchain generated repos get: Node.js 22+, the versions of pins.toml and nowhere
else, Dependabot to keep them current, today's Workers compatibility_date within what the
pinned workerd runs, and installs and test runs without warnings the project can fix."""

from __future__ import annotations

import datetime
import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import jinja2
import jinja2.meta
import pytest
import yaml

from hooks import pins
from hooks.context import derive
from tests.support.claude_code import TOOLS_PATH
from tests.support.node import MINIMUM_NODE, install_log, install_node_modules, node_version, run
from tests.support.quiet import assert_quiet, noise_lines
from tests.support.render import TEMPLATE_ROOT, render

PINS = pins.load()

# One worker renders the module's answer sets once.
pytestmark = pytest.mark.xdist_group("toolchain")

#: Answer sets that together render every pinned npm package, workflow and .mcp.json.
ANSWER_SETS: dict[str, dict[str, Any]] = {
    "lambda-webhook-mcp": {"use_case": "webhook", "with_mcp": True},
    "lambda-file-import": {"use_case": "file_import"},
    "workers-d1-mcp": {"platform": "workers", "idempotency_store": "d1", "with_mcp": True},
    "workers-no-ci": {"platform": "workers", "use_case": "edge_redirect", "with_ci": False},
}


@pytest.fixture(scope="module")
def projects(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("toolchain")
    return {name: render(root / name, **answers) for name, answers in ANSWER_SETS.items()}


# ------------------------------------------------------------------ one pins file --

#: A version written into a template file: x.y.z (not an IP address, not a User-Agent
#: token such as curl/8.5.0), name@version (npx, `uses:`), name==version (pip), an
#: engines range, and setup-node/setup-python versions.
OWN_VERSION = re.compile(
    r"(?<![\w./§])v?\d+\.\d+\.\d+(?![\d.])"
    r"|[\w.-]@v?\d"
    r"|[\w\]-]==\d"
    r"|\"node\":\s*\"[<>=^~ ]*\d"
    r"|(?:node|python)-version:\s*[\"']?\d"
)
#: The generated project's own version is not a pin.
OWN_PROJECT_VERSION = '"version": "0.1.0"'


def template_sources() -> list[Path]:
    """Files rendered into generated repos: template/ and the prompt partials they include."""
    return sorted(path for folder in ("template", "prompts") for path in (TEMPLATE_ROOT / folder).rglob("*") if path.is_file())


def own_versions(text: str) -> list[str]:
    return [match.group(0) for line in text.splitlines() if OWN_PROJECT_VERSION not in line for match in OWN_VERSION.finditer(line)]


def test_no_template_file_pins_a_version_of_its_own() -> None:
    found = {
        str(path.relative_to(TEMPLATE_ROOT)): versions
        for path in template_sources()
        if (versions := own_versions(path.read_text(errors="replace")))
    }
    assert not found, f"versions belong in pins.toml, not in: {found}"


@pytest.mark.parametrize(
    "line",
    [
        '    "vite": "8.3.8",',
        "      - uses: actions/checkout@v4",
        "        run: pip install cfn-lint==1.58.0",
        "npx --yes @anthropic-ai/claude-code@2.1.328 -p",
        '    "node": ">=20.11"',
        '          node-version: "22"',
        "`wrangler` 4.86.0 is pinned",
    ],
)
def test_the_own_version_check_catches_each_way_of_pinning(line: str) -> None:
    assert own_versions(line), line


def test_the_own_version_check_leaves_addresses_user_agents_and_the_project_version() -> None:
    assert not own_versions("'sourceIp': '203.0.113.7', 'userAgent': 'curl/8.5.0', 'Stripe/1.62.0'")
    assert not own_versions('  "version": "0.1.0",')
    assert not own_versions("owner: you@example.com, at 127.0.0.1")


def test_every_npm_pin_is_exact_and_its_condition_names_known_values() -> None:
    known = set(derive({})) | set(yaml.safe_load((TEMPLATE_ROOT / "copier.yml").read_text()))
    environment = jinja2.Environment()
    for pin in PINS.npm:
        assert re.fullmatch(r"\d+\.\d+\.\d+(-[\w.]+)?", pin.version), pin
        if pin.when:
            names = jinja2.meta.find_undeclared_variables(environment.parse(f"{{{{ {pin.when} }}}}"))
            assert names <= known, f"{pin.name}: unknown names {names - known} in when = {pin.when!r}"
        for target in pin.overrides.values():
            assert target.removeprefix("$") in {other.name for other in PINS.npm}, f"{pin.name} overrides to an unpinned {target}"


def test_package_json_takes_every_version_from_pins(projects: dict[str, Path]) -> None:
    for name, project in projects.items():
        manifest = json.loads((project / "package.json").read_text())
        assert manifest["engines"] == {"node": ">=22.12"}, name
        for package, version in manifest["devDependencies"].items():
            assert version == next(pin.version for pin in PINS.npm if pin.name == package), (name, package)
    workers = json.loads((projects["workers-d1-mcp"] / "package.json").read_text())
    assert workers["devDependencies"]["wrangler"] == PINS.wrangler["version"]
    assert tuple(map(int, PINS.wrangler["version"].split(".")[:2])) >= (4, 160)
    assert "@cloudflare/vitest-plugin" in workers["devDependencies"]
    assert "@cloudflare/vitest-pool-workers" not in workers["devDependencies"], "the plugin's old name"
    # The plugin uses the pinned wrangler and miniflare, and npm may run exactly the install scripts named.
    assert workers["overrides"] == {"@cloudflare/vitest-plugin": {"wrangler": "$wrangler", "miniflare": "$miniflare"}}
    assert workers["allowScripts"] == {"esbuild": True, "workerd": True}
    lambda_webhook = json.loads((projects["lambda-webhook-mcp"] / "package.json").read_text())
    assert set(lambda_webhook["devDependencies"]) == {
        "@aws-sdk/client-dynamodb", "@aws-sdk/client-secrets-manager", "@aws-sdk/client-ssm", "dynalite", "fast-check",
        "@vscode/tree-sitter-wasm", "standardwebhooks", "svix",
    }
    assert lambda_webhook["allowScripts"] == {"classic-level": True}
    assert "@aws-sdk/client-sqs" in json.loads((projects["lambda-file-import"] / "package.json").read_text())["devDependencies"]


def test_workflows_and_mcp_config_take_their_versions_from_pins(projects: dict[str, Path]) -> None:
    for name in ("lambda-webhook-mcp", "workers-d1-mcp"):
        workflows = projects[name] / ".github" / "workflows"
        ci = yaml.safe_load((workflows / "ci.yml").read_text())["jobs"]["test"]
        assert ci["strategy"]["matrix"]["node"] == ["22", "24"]
        uses = re.findall(r"uses: (\S+@\S+) # (\S+)", (workflows / "ci.yml").read_text() + (workflows / "claude-review.yml").read_text())
        assert uses, "every action is pinned to a commit with its tag as a comment"
        for reference, tag in uses:
            action, commit = reference.split("@")
            assert (commit, tag) == (PINS.raw["github_actions"][action]["commit"], PINS.raw["github_actions"][action]["version"])
        assert not re.search(r"uses: \S+@v\d", (workflows / "ci.yml").read_text() + (workflows / "claude-review.yml").read_text()), "a tag alone can be moved"
        assert "anthropics/claude-code-action" in {reference.split("@")[0] for reference, _ in uses}, "the official Claude Code action, by commit"
    assert f"pip install cfn-lint=={PINS.raw['ci']['cfn-lint']}" in (projects["lambda-webhook-mcp"] / ".github/workflows/ci.yml").read_text()
    servers = json.loads((projects["lambda-webhook-mcp"] / ".mcp.json").read_text())["mcpServers"]
    assert {server["args"][0] for server in servers.values()} == {f"{name}=={version}" for name, version in PINS.raw["pypi"].items()}


def test_cfn_lint_in_generated_ci_is_the_one_this_suite_validates_with() -> None:
    required = (TEMPLATE_ROOT / "requirements" / "test.txt").read_text()
    assert f"cfn-lint=={PINS.raw['ci']['cfn-lint']}" in required.splitlines()


def test_the_benchmark_baseline_uses_the_pinned_dynamodb_client() -> None:
    manifest = json.loads((TEMPLATE_ROOT / "bench" / "powertools" / "package.json").read_text())
    pinned = next(pin.version for pin in PINS.npm if pin.name == "@aws-sdk/client-dynamodb")
    assert manifest["dependencies"]["@aws-sdk/client-dynamodb"] == pinned


# ------------------------------------------------------------------- Dependabot --


def check_jsonschema(schema: str, *files: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "check_jsonschema", "--builtin-schema", schema, *map(str, files)], capture_output=True, text=True
    )


def test_repos_with_ci_get_a_grouped_weekly_dependabot_config(projects: dict[str, Path]) -> None:
    for name in ("lambda-webhook-mcp", "workers-d1-mcp"):
        path = projects[name] / ".github" / "dependabot.yml"
        result = check_jsonschema("vendor.dependabot", path)
        assert result.returncode == 0, result.stdout + result.stderr
        updates = {update["package-ecosystem"]: update for update in yaml.safe_load(path.read_text())["updates"]}
        assert set(updates) == {"npm", "github-actions"}
        for update in updates.values():
            assert update["directory"] == "/" and update["schedule"]["interval"] == "weekly"
            assert [group["patterns"] for group in update["groups"].values()] == [["*"]], "one pull request per ecosystem"
    assert not (projects["workers-no-ci"] / ".github").exists()


def test_the_dependabot_schema_check_refuses_a_broken_config(tmp_path: Path) -> None:
    broken = tmp_path / "dependabot.yml"
    broken.write_text("version: 2\nupdates:\n  - package-ecosystem: npm\n    directory: /\n    schedule:\n      interval: fortnightly\n")
    assert check_jsonschema("vendor.dependabot", broken).returncode != 0


# ------------------------------------------------------------ compatibility_date --


def test_compatibility_date_defaults_to_today_clamped_to_the_pinned_workerd() -> None:
    newest = PINS.max_compatibility_date
    assert pins.default_compatibility_date(PINS, on=newest - datetime.timedelta(days=3)) == (newest - datetime.timedelta(days=3)).isoformat()
    assert pins.default_compatibility_date(PINS, on=newest + datetime.timedelta(days=40)) == newest.isoformat()


def test_a_workers_render_made_today_has_today_or_the_pinned_maximum(tmp_path: Path) -> None:
    project = render(tmp_path / "project", platform="workers")
    written = re.search(r'"compatibility_date": "([\d-]+)"', (project / "wrangler.jsonc").read_text()).group(1)
    assert written == min(pins.today(), PINS.max_compatibility_date).isoformat()
    readme = " ".join((project / "README.md").read_text().split())
    assert f"up to {PINS.max_compatibility_date.isoformat()}" in readme and f"`{written}`" in readme


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("2026-02-31", "a real date, YYYY-MM-DD"),
        ("2025-02-29", "a real date, YYYY-MM-DD"),
        ("2026-13-01", "a real date, YYYY-MM-DD"),
        ("2026-4-01", "a real date, YYYY-MM-DD"),
        ("20260401", "a real date, YYYY-MM-DD"),
        ("2026-W14-3", "a real date, YYYY-MM-DD"),
        ("2024-09-22", "2024-09-23 or later"),
        ("2099-01-01", "at most"),
    ],
)
def test_compatibility_date_refuses_what_workerd_would_not_run(value: str, message: str) -> None:
    allowed, _why = pins.compatibility_date_refusal(PINS, value)
    assert allowed.startswith(message)


def test_compatibility_date_accepts_real_dates_up_to_today_and_the_pinned_maximum() -> None:
    newest = PINS.max_compatibility_date
    for value in ("2024-09-23", "2025-02-28", "2025-12-31", newest.isoformat()):
        assert pins.compatibility_date_refusal(PINS, value, on=newest) is None, value
    before = newest - datetime.timedelta(days=1)
    assert pins.compatibility_date_refusal(PINS, newest.isoformat(), on=before)[0].startswith("not after today")


@pytest.mark.slow
def test_the_pinned_maximum_is_the_newest_date_the_pinned_workerd_runs(tmp_path: Path) -> None:
    """pins.toml's max_compatibility_date matches the installed workerd, not a guess."""
    project = render(tmp_path / "project", platform="workers", use_case="edge_redirect")
    install_node_modules(project)
    installed = json.loads((project / "node_modules" / "workerd" / "package.json").read_text())["version"]
    assert installed == PINS.wrangler["workerd"]
    probe = project / "probe.mjs"
    probe.write_text(
        "import { Miniflare, convertV4MiniflareOptions } from 'miniflare';\n"
        "const date = process.argv[2];\n"
        "const miniflare = new Miniflare(convertV4MiniflareOptions({ modules: true, compatibilityDate: date,\n"
        "  script: 'export default { fetch: () => new Response(\"ran\") }' }));\n"
        "try { console.log(await (await miniflare.dispatchFetch('http://localhost/')).text()); }\n"
        "finally { await miniflare.dispose().catch(() => {}); }\n"
    )
    newest = PINS.max_compatibility_date
    assert run(["node", "probe.mjs", newest.isoformat()], project).stdout.strip() == "ran"
    refused = run(["node", "probe.mjs", (newest + datetime.timedelta(days=1)).isoformat()], project, check=False)
    assert refused.returncode != 0
    assert f'newest date supported by this server binary is "{newest.isoformat()}"' in refused.stdout + refused.stderr


@pytest.mark.slow
def test_an_older_compatibility_date_passes_its_tests_quietly_too(tmp_path: Path) -> None:
    """Before 2026-08-04 nodejs_compat is off by default: the pinned Vitest must not need it."""
    project = render(tmp_path / "project", platform="workers", use_case="edge_redirect", compatibility_date="2025-06-01")
    install_node_modules(project)
    tests = run(["npm", "test", "--", "--reporter=dot", "--maxWorkers=1"], project, env={"NO_COLOR": "1"})
    assert re.search(r"Tests\s+(\d+) passed \(\1\)", tests.stdout), tests.stdout[-2000:]
    assert_quiet(tests.stdout + tests.stderr)


# ---------------------------------------------------------------------- Node.js --


def test_generated_repo_commands_run_on_node_22_or_newer(tmp_path: Path) -> None:
    """On a machine whose node is 20, the suite still runs every generated repo on 22.12+."""
    project = render(tmp_path / "project")
    direct = run(["node", "--version"], project).stdout.strip()
    through_npm = run(["npm", "exec", "--", "node", "--version"], project).stdout.strip()
    through_tools_path = subprocess.run(["node", "--version"], env={"PATH": TOOLS_PATH}, capture_output=True, text=True).stdout.strip()
    for printed in (direct, through_npm, through_tools_path):
        assert tuple(map(int, printed.lstrip("v").split(".")))[:2] >= MINIMUM_NODE, printed
    npm_node = run(["npm", "exec", "--", "node", "-p", "process.execPath"], project).stdout.strip()
    assert node_version(npm_node)[:2] >= MINIMUM_NODE


def test_generated_docs_and_ci_name_node_22_and_24(projects: dict[str, Path]) -> None:
    for name in ("lambda-webhook-mcp", "workers-d1-mcp"):
        readme = (projects[name] / "README.md").read_text()
        assert "Node.js 22.12 or newer" in readme, name
        assert "Node.js 22" in (projects[name] / "AGENTS.md").read_text(), name
        assert "Node 20" not in readme and "Node.js 20" not in readme


# -------------------------------------------------------------------- quiet runs --


@pytest.mark.slow
@pytest.mark.parametrize("name", ["lambda-webhook-mcp", "workers-d1-mcp"])
def test_a_clean_npm_install_prints_no_warning(projects: dict[str, Path], name: str) -> None:
    install_node_modules(projects[name])
    assert_quiet(install_log(projects[name]), "npm install")


def test_the_quiet_check_recognises_the_noise_it_removed() -> None:
    old_output = "\n".join(
        [
            "(node:4242) NodeVersionSupportWarning: The AWS SDK for JavaScript (v3) will require node >=22 …",
            'A header value for "x-unicode" contains non-ASCII characters: "ключ ä" (raw bytes: "\\xd0…").',
            "exception = workerd/api/web-socket.c++:821: disconnected: WebSocket peer disconnected",
            "npm warn EBADENGINE Unsupported engine {",
            "npm warn install-scripts   workerd@1.20261117.1 (postinstall: node install.js)",
            '[vitest-plugin] "node:inspector", required from "…/inspector.js", is not available at this Worker\'s compatibility date',
            "            at least ~6.49s faster with isolate: false — reuses workers across files",
            " ⛅️ wrangler 4.86.0 (update available 4.164.0)",
        ]
    )
    assert len(noise_lines(old_output)) == 8
    quiet_output = "\n".join(
        [
            '{"timestamp":"2026-12-02T01:08:51.437Z","level":"warn","message":"signature rejected"}',
            "ok 3 - logs a warning for a replayed delivery",
            "FUZZ-REPORT {\"target\":\"fetch /orders\",\"events\":1000,\"failures\":0}",
            " Tests  55 passed (55)",
        ]
    )
    assert noise_lines(quiet_output) == []
