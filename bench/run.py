"""Every benchmark of copier-serverless, side by side in one run: prints one table
(benchmark, ours, baseline, ratio, target, met?) and writes the numbers, with the facts of
the machine they were measured on, to bench/results.json. See bench/README.md.

    make bench                                   # everything (the suite timing takes minutes)
    .venv/bin/python bench/run.py --quick        # without the suite timings
    .venv/bin/python bench/run.py --skip-full-suite   # single matrix entries, not the whole suite

Targets are reported, never asserted: the command fails only when a benchmark cannot run.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import subprocess
import sys
import tempfile
import warnings
from dataclasses import asdict, dataclass
from importlib.metadata import version
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path.insert(0, str(ROOT))

import render_time
import suite_time

from tests.support.node import NODE_ENV, install_node_modules
from tests.support.render import render

POWERTOOLS = BENCH / "powertools"
RESULTS = BENCH / "results.json"
# Issue 18's targets. Each is printed with met / not met, never asserted.
OVERHEAD_TARGET_US = 15.0  # per-request overhead over the bare handler, memory store
COLD_START_FLOOR_TARGET = 1.1  # import + first request ÷ the bare-SDK floor
COLD_START_POWERTOOLS_TARGET = 0.7  # import + first request ÷ Powertools doing the same job
RENDER_TARGET = 1.3  # copier copy --defaults ÷ a plain template with the same files

Json = dict[str, Any]


@dataclass(frozen=True)
class Row:
    """One line of the table; ratio is ours / baseline."""

    benchmark: str
    ours: str
    baseline: str = ""
    ratio: float | None = None
    target: float | None = None
    unit: str = "×"  # of ratio and target: a multiple, or " µs" for an absolute overhead
    goal: str = ""  # the target as the targets list names it

    @property
    def met(self) -> bool | None:
        if self.ratio is None or self.target is None:
            return None
        return self.ratio <= self.target

    def cells(self) -> list[str]:
        met = {None: "", True: "yes", False: "NO"}[self.met]
        ratio = "" if self.ratio is None else f"{self.ratio:.2f}{self.unit}"
        target = "" if self.target is None else f"≤ {self.target:g}{self.unit}"
        return [self.benchmark, self.ours, self.baseline, ratio, target, met]

    def as_dict(self) -> Json:
        return {**asdict(self), "met": self.met}


def parse_options(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="skip the test suite timings")
    parser.add_argument("--skip-full-suite", action="store_true", help="time single matrix entries, not the whole suite")
    parser.add_argument("--handler-rounds", type=int, default=15, help="rounds of the per-request benchmark (default 15)")
    parser.add_argument("--requests-per-round", type=int, default=4000, help="requests per variant and round (default 4000)")
    parser.add_argument("--growth-rounds", type=int, default=5, help="rounds per row of the cost-as-the-work-grows tables (default 5)")
    parser.add_argument("--cold-samples", type=int, default=15, help="fresh processes per handler and measurement (default 15)")
    parser.add_argument("--render-rounds", type=int, default=5, help="copier copy runs per template (default 5)")
    parser.add_argument("--output", type=Path, default=RESULTS, help=f"JSON file to write (default {RESULTS.relative_to(ROOT)})")
    return parser.parse_args(argv)


# ── machine ──────────────────────────────────────────────────────────────────────────


def command_output(command: list[str], cwd: Path = ROOT, env: dict[str, str] | None = None) -> str:
    result = subprocess.run(command, check=False, cwd=cwd, capture_output=True, text=True, env=env)
    return result.stdout.strip() if result.returncode == 0 else f"unavailable (exit {result.returncode})"


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def package_versions(node_modules: Path, names: list[str]) -> dict[str, str]:
    """Installed versions, read from each package's package.json."""
    found: dict[str, str] = {}
    for name in names:
        manifest = node_modules / name / "package.json"
        found[name] = json.loads(manifest.read_text())["version"] if manifest.is_file() else "missing"
    return found


def machine_facts() -> Json:
    return {
        "date": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "platform": platform.platform(),
        "cpu": cpu_model(),
        "cpu_count": os.cpu_count(),
        "load_average_at_start": [round(value, 2) for value in os.getloadavg()],
        "python": platform.python_version(),
        "node": command_output(["node", "--version"], env=NODE_ENV),
        "npm": command_output(["npm", "--version"], env=NODE_ENV),
        "copier": version("copier"),
        "template_commit": command_output(["git", "rev-parse", "--short", "HEAD"]),
        "template_work_tree_dirty": bool(command_output(["git", "status", "--porcelain"])),
    }


# ── node benchmarks ──────────────────────────────────────────────────────────────────


def powertools_ready() -> None:
    """bench/powertools/node_modules comes from its lock file (`make bench` runs `npm ci`)."""
    if not (POWERTOOLS / "node_modules" / ".package-lock.json").is_file():
        raise SystemExit(f"{POWERTOOLS / 'node_modules'} is missing: run `make bench`, or `npm ci` in {POWERTOOLS}")


def default_project(folder: Path) -> Path:
    """The `copier copy --defaults` project (Lambda JSON API) with its node_modules."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # DirtyLocalWarning while the template has uncommitted edits
        project = render(folder / "project")
    install_node_modules(project)
    return project


def node_json(script: str, *arguments: object) -> Json:
    """Run a bench/*.mjs script; it prints one JSON object as its last stdout line."""
    result = subprocess.run(
        ["node", str(BENCH / script), *map(str, arguments)],
        check=False,
        cwd=ROOT,
        env=NODE_ENV,
        capture_output=True,
        text=True,
    )
    if result.returncode != 0:
        raise SystemExit(f"{script} failed (exit {result.returncode}):\n{result.stdout[-4000:]}\n{result.stderr[-4000:]}")
    parsed: Json = json.loads(result.stdout.strip().splitlines()[-1])
    return parsed


def handler_rows(result: Json) -> list[Row]:
    us = result["microsecondsPerRequest"]
    ours, bare = us["generated"], us["bare"]
    rows = [
        Row("handler: µs/request, generated (memory store) vs bare", f"{ours:.1f} µs", f"{bare:.1f} µs", ours / bare),
        Row("  overhead over bare, µs/request", f"+{ours - bare:.1f} µs", "", ours - bare, OVERHEAD_TARGET_US, " µs", goal="per-request overhead over the bare handler (memory store)"),
    ]
    if "bare_hash" in us:
        floor = us["bare_hash"]
        rows.append(Row("  vs floor: bare + the same fingerprint (canonical JSON, SHA-256)", f"{ours:.1f} µs", f"{floor:.1f} µs", ours / floor))
    return rows


def handler_breakdown(result: Json) -> dict[str, float]:
    """Where the overhead over the bare handler goes, µs/request (differences of medians)."""
    us = result["microsecondsPerRequest"]
    if not {"no_logs", "pipeline"} <= us.keys():
        return {}
    return {
        "HTTP contract (routing, body/size/UTF-8 checks, correlation id, headers)": us["pipeline"] - us["bare"],
        "idempotency (fingerprint, claim, complete; memory store)": us["no_logs"] - us["pipeline"],
        "log lines (build, redact, JSON; written to a no-op sink)": us["generated"] - us["no_logs"],
    }


def ms(value: float) -> str:
    return f"{value:.1f} ms"


def cold_start_rows(result: Json) -> list[Row]:
    imports, first = result["importMs"], result["importPlusFirstRequestMs"]
    ours = first["ours"]["median"]
    rows = [
        Row("cold start: import, generated vs Powertools", ms(imports["ours"]["median"]), ms(imports["powertools"]["median"]), imports["ours"]["median"] / imports["powertools"]["median"]),
        Row("cold start: import + first request (dynalite) vs Powertools", ms(ours), ms(first["powertools"]["median"]), ours / first["powertools"]["median"], COLD_START_POWERTOOLS_TARGET, goal="cold start to first response ÷ Powertools doing the same job"),
    ]
    if "floor" in first:
        rows.append(Row("  vs floor: bare handler, same SDK client, same put + update", ms(ours), ms(first["floor"]["median"]), ours / first["floor"]["median"], COLD_START_FLOOR_TARGET, goal="cold start to first response ÷ the bare-SDK floor"))
    if "floor_require" in first:
        # The floor loading the SDK as the generated store does (require): what is left to win.
        rows.append(Row("  vs floor loading the SDK with require, as ours does", ms(ours), ms(first["floor_require"]["median"]), ours / first["floor_require"]["median"]))
    return [
        *rows,
        Row("  floor: import of an empty module", ms(imports["empty"]["median"])),
        Row("  floor: import of @aws-sdk/client-dynamodb alone", ms(imports["sdk"]["median"])),
        Row("  floor: node process start-up (in no row above)", ms(result["nodeBootMs"]["median"])),
    ]


# ── render and suite ─────────────────────────────────────────────────────────────────


def render_rows(times: render_time.RenderTimes) -> list[Row]:
    ours = times.median("ours")
    return [
        Row("render: copier copy --defaults vs trivial template", f"{ours:.2f} s", f"{times.median('trivial'):.2f} s", ours / times.median("trivial")),
        Row(
            f"render: vs plain template with the same {times.files_rendered} files",
            f"{ours:.2f} s",
            f"{times.median('same_files'):.2f} s",
            ours / times.median("same_files"),
            RENDER_TARGET,
            goal="copier copy --defaults ÷ a plain template with the same files",
        ),
    ]


SUITE_LABELS = {
    "full": "suite: make test (pytest -n 2), whole",
    "lambda": "suite: one Lambda entry (json_api-function_url-iam)",
    "workers": "suite: one Workers entry (json_api-fetch-durable_object-api_key)",
}


def suite_rows(runs: dict[str, suite_time.SuiteRun]) -> list[Row]:
    return [Row(SUITE_LABELS[name], f"{run.seconds:.1f} s") for name, run in runs.items()]


def suite_tables(runs: dict[str, suite_time.SuiteRun]) -> str:
    """Issue 18's suite phases and its time per matrix combination (the whole suite only)."""
    full = runs.get("full")
    if full is None or not full.breakdown:
        return ""
    split: Json = full.breakdown
    total = split["test_seconds"]
    phases = [[name, f"{seconds:.0f}", f"{seconds / total:.0%}"] for name, seconds in sorted(split["phases_s"].items(), key=lambda item: -item[1])]
    matrix = [
        [name, str(entry["combinations"]), f"{entry['median_s']:.1f}", f"{entry['max_s']:.1f}", f"{entry['sum_s']:.0f}", f"{entry['sum_s'] / total:.0%}"]
        for name, entry in split["matrix"].items()
    ]
    return (
        f"where make test's time goes (test seconds over both workers: {total:.0f} s in {full.seconds:.0f} s of wall time):\n"
        + aligned_table(["phase", "seconds", "share"], phases)
        + "\n\nthe answer matrix, per combination (render, install, the repo's own tests, its validators):\n"
        + aligned_table(["matrix", "combinations", "median s", "max s", "sum s", "share"], matrix)
    )


def suite_notes(runs: dict[str, suite_time.SuiteRun]) -> list[str]:
    failed = " It failed, so its time covers only what ran up to the failures."
    return [f"{SUITE_LABELS[name]}: {run.outcome}; node_modules cache {run.cache}.{'' if run.passed else failed}" for name, run in runs.items()]


# ── output ───────────────────────────────────────────────────────────────────────────


def aligned_table(header: list[str], lines: list[list[str]]) -> str:
    widths = [max(len(line[column]) for line in [header, *lines]) for column in range(len(header))]

    def aligned(cells: list[str]) -> str:
        return "  ".join(cell.ljust(width) for cell, width in zip(cells, widths, strict=True)).rstrip()

    return "\n".join([aligned(header), aligned(["-" * width for width in widths]), *map(aligned, lines)])


def table(rows: list[Row]) -> str:
    return aligned_table(["benchmark", "ours", "baseline", "ratio", "target", "met?"], [row.cells() for row in rows])


def micros(value: float) -> str:
    return f"{value:.1f}"


def growth_tables(growth: Json) -> str:
    """Issue 18's "cost as the work grows": µs per request by body size and by records held."""
    by_body = [
        [f"{row['bytes']:,}", micros(row["bare"]), micros(row["bare_hash"]), micros(row["generated"]), f"+{row['generated'] - row['bare_hash']:.1f}"]
        for row in growth["bodySizes"]
    ]
    by_memory = [[f"{row['records']:,}", micros(row["generated"])] for row in growth["memoryRecords"]]
    by_dynalite = [
        [f"{row['records']:,}", micros(row["generated"]), micros(row["floor"]), f"{row['generated'] / row['floor']:.2f}×"] for row in growth["dynaliteRecords"]
    ]
    return "\n\n".join(
        [
            "per request as the body grows (µs, memory store):\n"
            + aligned_table(["body bytes", "bare", "bare + fingerprint", "generated", "generated − floor"], by_body),
            "per request as the memory store fills (µs):\n" + aligned_table(["records held", "generated"], by_memory),
            "per request as the DynamoDB table fills (µs, dynalite):\n"
            + aligned_table(["items held", "generated", "floor (same put + update)", "ratio"], by_dynalite),
        ]
    )


def targets(rows: list[Row]) -> str:
    """Issue 18's targets, one line each: the measured value, the target, met or not met."""
    lines = ["targets:"]
    for row in rows:
        if row.met is not None:
            cells = row.cells()
            lines.append(f"  {'met    ' if row.met else 'NOT met'}  {row.goal or row.benchmark.strip()}: {cells[3]} (target {cells[4]})")
    return "\n".join(lines)


def notes(handler: Json, cold: Json, breakdown: dict[str, float]) -> list[str]:
    imports, first, sdk = cold["importMs"], cold["importPlusFirstRequestMs"], cold["importMs"]["sdk"]["median"]
    said = [
        (
            f"handler: medians of {handler['rounds']} rounds × {handler['requestsPerRound']} requests per variant, "
            "alternating in one node process; a fresh Idempotency-Key per request."
        ),
        (
            f"cold start: medians of {cold['samples']} fresh node processes per handler and measurement, alternating. "
            "The generated store imports the AWS SDK on the first request, so the import row alone flatters it; "
            "the import + first request row includes that load."
        ),
        (
            f"cold start minus Node's floor (empty import {imports['empty']['median']:.1f} ms): "
            f"import {imports['ours']['median'] - imports['empty']['median']:.1f} ms vs "
            f"{imports['powertools']['median'] - imports['empty']['median']:.1f} ms."
        ),
        (
            f"import + first request minus the AWS SDK both load ({sdk:.1f} ms): "
            f"{first['ours']['median'] - sdk:.1f} ms vs {first['powertools']['median'] - sdk:.1f} ms."
        ),
    ]
    if breakdown:
        parts = "; ".join(f"{name} {value:+.1f} µs" for name, value in breakdown.items())
        said.append(f"handler overhead over bare: {parts}.")
    return said


def write_results(path: Path, results: Json) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")


def main(argv: list[str] | None = None) -> None:
    options = parse_options(argv)
    powertools_ready()
    facts = machine_facts()
    with tempfile.TemporaryDirectory(prefix="bench-") as folder:
        project = default_project(Path(folder))
        facts["generated_project_packages"] = package_versions(project / "node_modules", ["@aws-sdk/client-dynamodb", "dynalite"])
        facts["powertools_packages"] = package_versions(
            POWERTOOLS / "node_modules",
            [*json.loads((POWERTOOLS / "package.json").read_text())["dependencies"], "@aws-sdk/util-dynamodb"],
        )
        print("handler vs bare …", file=sys.stderr, flush=True)
        handler = node_json("handler_vs_bare.mjs", project, options.requests_per_round, options.handler_rounds)
        print("cold start vs Powertools …", file=sys.stderr, flush=True)
        cold = node_json("cold_start.mjs", project, POWERTOOLS, options.cold_samples)
        print("cost as the work grows …", file=sys.stderr, flush=True)
        growth = node_json("handler_growth.mjs", project, options.growth_rounds)
    print("render time …", file=sys.stderr, flush=True)
    times = render_time.measure(options.render_rounds)
    runs: dict[str, suite_time.SuiteRun] = {}
    if not options.quick:
        print("test suite time (minutes) …", file=sys.stderr, flush=True)
        runs = suite_time.measure(full=not options.skip_full_suite)
    facts["load_average_at_end"] = [round(value, 2) for value in os.getloadavg()]

    breakdown = handler_breakdown(handler)
    rows = [*handler_rows(handler), *cold_start_rows(cold), *render_rows(times), *suite_rows(runs)]
    said = [*notes(handler, cold, breakdown), *suite_notes(runs)]
    print(table(rows))
    print()
    print(targets(rows))
    print()
    print(growth_tables(growth))
    print()
    if suite_breakdown := suite_tables(runs):
        print(suite_breakdown)
        print()
    for note in said:
        print(f"- {note}")
    print(f"- machine: {facts['cpu_count']} CPUs, load average {facts['load_average_at_start']} at start, {facts['load_average_at_end']} at end.")

    write_results(
        options.output,
        {
            "machine": facts,
            "rows": [row.as_dict() for row in rows],
            "notes": said,
            "handler_vs_bare": {**handler, "overhead_breakdown_us": breakdown},
            "cold_start": cold,
            "growth": growth,
            "render": {"rounds": times.rounds, "files_rendered": times.files_rendered, "seconds": times.seconds},
            "suite": {name: run.as_dict() for name, run in runs.items()},
        },
    )
    print(f"\nwrote {options.output}")


if __name__ == "__main__":
    main()
