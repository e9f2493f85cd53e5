"""The exact versions of pins.toml, shaped for the templates.

pins.toml is the one place a version of anything a generated repo installs or runs is
written. This module reads it, picks the npm packages an answer set needs (each pin's
``when`` is a Jinja expression over the same names the template's file names use), and
computes the Workers ``compatibility_date``: today, clamped to the newest date the pinned
workerd runs, and validated as a real calendar date.
"""

from __future__ import annotations

import datetime
import json
import re
import tomllib
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from jinja2 import Environment

PINS_FILE = Path(__file__).resolve().parent.parent / "pins.toml"

#: nodejs_compat v2 (the Node.js APIs the Workers build relies on) starts here.
EARLIEST_COMPATIBILITY_DATE = datetime.date(2024, 9, 23)

_EXPRESSIONS = Environment()


@cache
def _condition(expression: str) -> Any:
    """The compiled ``when`` expression (the context hook runs for every file rendered)."""
    return _EXPRESSIONS.compile_expression(expression)


@dataclass(frozen=True)
class NpmPin:
    name: str
    version: str
    when: str = ""
    allow_scripts: tuple[str, ...] = ()
    overrides: dict[str, str] = field(default_factory=dict)

    def applies(self, context: dict[str, Any]) -> bool:
        return not self.when or bool(_condition(self.when)(**context))


@dataclass(frozen=True)
class Pins:
    raw: dict[str, Any]
    npm: tuple[NpmPin, ...]

    @property
    def wrangler(self) -> dict[str, Any]:
        return self.raw["npm"]["wrangler"]

    @property
    def max_compatibility_date(self) -> datetime.date:
        return datetime.date.fromisoformat(self.wrangler["max_compatibility_date"])


@cache
def load(path: Path = PINS_FILE) -> Pins:
    raw = tomllib.loads(path.read_text())
    npm = tuple(
        NpmPin(
            name=name,
            version=spec["version"],
            when=spec.get("when", ""),
            allow_scripts=tuple(spec.get("allow_scripts", ())),
            overrides=dict(spec.get("overrides", {})),
        )
        for name, spec in raw["npm"].items()
    )
    return Pins(raw=raw, npm=npm)


def npm_context(pins: Pins, context: dict[str, Any]) -> dict[str, Any]:
    """devDependencies, allowScripts and overrides of package.json for these answers."""
    chosen = [pin for pin in pins.npm if pin.applies(context)]
    return {
        "npm_dev_dependencies": {pin.name: pin.version for pin in sorted(chosen, key=lambda pin: pin.name)},
        "npm_allow_scripts": sorted({script for pin in chosen for script in pin.allow_scripts}),
        "npm_overrides": {pin.name: pin.overrides for pin in sorted(chosen, key=lambda pin: pin.name) if pin.overrides},
    }


def github_actions(pins: Pins) -> dict[str, str]:
    """`uses:` values: the release's commit, with its tag as the comment Dependabot keeps current."""
    return {name: f"{name}@{spec['commit']} # {spec['version']}" for name, spec in pins.raw["github_actions"].items()}


def today() -> datetime.date:
    """Today in UTC: the day Cloudflare and workerd compare compatibility dates with."""
    return datetime.datetime.now(datetime.UTC).date()


def default_compatibility_date(pins: Pins, on: datetime.date | None = None) -> str:
    """Today, or the pinned workerd's newest date when today is later (as `npm create cloudflare` does)."""
    return min(on or today(), pins.max_compatibility_date).isoformat()


def compatibility_date_refusal(pins: Pins, value: object, on: datetime.date | None = None) -> tuple[str, str] | None:
    """Why a compatibility_date answer is refused, as (what is allowed, why); None when it is fine.

    The first part is short: the questionnaire shows it in a one-line bar (hooks/answer_rules.py).
    """
    text = str(value)
    try:
        # fromisoformat alone also takes 20261201 and week dates such as 2026-W48-1.
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            raise ValueError(text)
        date = datetime.date.fromisoformat(text)
    except ValueError:
        return "a real date, YYYY-MM-DD", f"got {json.dumps(text)}"
    newest = pins.max_compatibility_date
    current = on or today()
    if date < EARLIEST_COMPATIBILITY_DATE:
        return f"{EARLIEST_COMPATIBILITY_DATE.isoformat()} or later", "nodejs_compat v2, which the Workers build relies on"
    if date > newest:
        return (
            f"at most {newest.isoformat()}",
            f"the newest date the pinned workerd {pins.wrangler['workerd']} (Wrangler {pins.wrangler['version']}) supports",
        )
    if date > current:
        return f"not after today, {current.isoformat()}", "UTC; Cloudflare refuses dates in the future"
    return None


def pins_context(context: dict[str, Any], pins: Pins | None = None) -> dict[str, Any]:
    """Everything the templates and copier.yml read from pins.toml."""
    pins = pins or load()
    return {
        **npm_context(pins, context),
        "node_engines": pins.raw["node"]["engines_typescript" if context.get("is_typescript") else "engines"],
        "ci_node_majors": list(pins.raw["node"]["ci_majors"]),
        "github_actions": github_actions(pins),
        "ci_tools": dict(pins.raw["ci"]),
        "claude_code_facts": dict(pins.raw["claude_code"]),
        "pypi_pins": dict(pins.raw["pypi"]),
        "wrangler_version": pins.wrangler["version"],
        "workerd_version": pins.wrangler["workerd"],
        "max_compatibility_date": pins.max_compatibility_date.isoformat(),
        "today_utc": today().isoformat(),
        "default_compatibility_date": default_compatibility_date(pins),
    }
