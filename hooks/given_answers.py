"""Answers given with `--data` or `--data-file`, checked before Copier reads them.

Copier (9.19, and its main branch in 2026-08) parses and validates a `--data` answer
inside its questionnaire loop and lets the error escape as a Python traceback: forty
lines, the useful one last, and for `log_retention_days=month` only "invalid literal
for int() with base 10". Copier prints one kind of error cleanly: its own
``UserMessageError``. Validators cannot raise it (Copier turns every validator
exception into a ``ValueError``), but the context hook runs before Copier parses the
first answer, and an exception raised there reaches Copier's CLI unchanged. So the
context hook calls :func:`problems` with the given answers and raises
``UserMessageError`` with one line per problem: the question, the value and what is
allowed. docs/decisions.md ("Bad --data answers") says why this and not a wrapper.

The checks are Copier's own, in copier.yml's order: the question's type, its choices
(the catalogue's reasons, hooks/variants.py) and its rule (hooks/answer_rules.py, the
same function its validator calls). A question without a default that applies to the
answers is required under `--defaults`.
"""

from __future__ import annotations

import functools
import json
import unicodedata
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import yaml

COPIER_YML = Path(__file__).resolve().parent.parent / "copier.yml"

#: The choice questions whose refusals the catalogue explains.
CATALOGUE_CHOICES = ("use_case", "event_source", "idempotency_store", "auth", "language")

#: Unicode categories shown escaped: controls, formatting (bidi overrides), line and paragraph separators.
INVISIBLE = {"Cc", "Cf", "Zl", "Zp"}


#: libyaml's safe loader when PyYAML has it: ~1.5 ms for copier.yml instead of ~19 ms, and
#: the context hook reads the question names on every copy (hooks/context.py `answers_key`).
SAFE_LOADER: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@functools.cache
def questions(path: Path = COPIER_YML) -> dict[str, dict[str, Any]]:
    """copier.yml's questions in order (its settings start with an underscore)."""
    config = yaml.load(path.read_text(), Loader=SAFE_LOADER)  # noqa: S506 - a safe loader
    return {name: spec for name, spec in config.items() if not name.startswith("_") and isinstance(spec, dict)}


def choice_values(spec: Mapping[str, Any]) -> list[Any]:
    choices = spec.get("choices") or {}
    listed = choices.values() if isinstance(choices, dict) else choices
    return [choice["value"] if isinstance(choice, dict) else choice for choice in listed]


class NotAValue(ValueError):
    """A given answer that the question's type cannot hold."""


def cast(spec: Mapping[str, Any], value: Any) -> Any:
    """The answer as Copier will hold it (copier/_user_data.py: CAST_STR_TO_NATIVE)."""
    kind = spec.get("type", "str")
    if value is None:
        raise NotAValue("no value")
    if kind == "int":
        if isinstance(value, bool):
            raise NotAValue("not a whole number")
        try:
            return int(value)
        except (TypeError, ValueError) as error:
            raise NotAValue("not a whole number") from error
    if kind == "bool":
        if isinstance(value, bool):
            return value
        lowered = str(value).strip().lower()
        if lowered in {"y", "yes", "t", "true", "on", "1"}:
            return True
        if lowered in {"n", "no", "f", "false", "off", "0", ""}:
            return False
        raise NotAValue("not yes or no")
    if isinstance(value, (dict, list)):
        raise NotAValue("not a single value")
    return str(value)


def problems(
    given: Mapping[str, Any],
    earlier: Mapping[str, Any],
    *,
    refusal: Callable[[str, str, Mapping[str, Any]], str],
    rule: Callable[[str, Any, Mapping[str, Any]], Any],
    allowed: Callable[[str, Mapping[str, Any]], str],
    default: Callable[[str, Mapping[str, Any], Mapping[str, Any]], Any],
    applies: Callable[[Mapping[str, Any], Mapping[str, Any]], bool],
    defaults: bool,
    copier_yml: Path = COPIER_YML,
) -> list[str]:
    """One line per given answer Copier would refuse, in copier.yml's order.

    ``given`` holds the `--data`/`--data-file` answers, ``earlier`` the answers Copier
    already has (an update's recorded ones). ``refusal(question, value, answers)`` is the
    catalogue's reason for a choice, ``rule(question, value, answers)`` a typed
    question's :class:`answer_rules.Refusal`, ``allowed(question, answers)`` what a
    number question takes, ``default(question, spec, answers)`` the default of a question
    not given (None when it has none the checks need), ``applies(spec, answers)`` a
    question's ``when``.
    """
    found: list[str] = []
    answers: dict[str, Any] = {}
    for name, spec in questions(copier_yml).items():
        if name not in given:
            if name in earlier:
                answers[name] = earlier[name]
            elif "default" in spec:
                if (value := default(name, spec, answers)) is not None:
                    answers[name] = value
            elif defaults and applies(spec, answers):
                found.append(f"{name}: required here, and it has no default ({spec.get('help', name)}); add --data {name}=…")
            continue
        try:
            answer = cast(spec, given[name])
        except NotAValue as error:
            what = allowed(name, answers)
            found.append(f"{name}={_shown(given[name])}: {error}" + (f"; allowed: {what}" if what else ""))
            continue
        line = f"{name}={_shown(answer)}: "
        values = choice_values(spec)
        if name in CATALOGUE_CHOICES and (reason := refusal(name, answer, answers)):
            # The catalogue's reason starts by naming the question and the value, as this line does.
            found.append(line + reason.removeprefix(f"{name} {answer} "))
            continue
        if values and answer not in values:
            found.append(line + "choose " + _listed([str(value) for value in values]))
            continue
        answers[name] = answer
        if spec.get("validator") and (refused := rule(name, answer, answers)):
            found.append(line + refused.one_line())
    return found


def _listed(values: list[str]) -> str:
    return values[0] if len(values) == 1 else ", ".join(values[:-1]) + " or " + values[-1]


def _shown(value: Any) -> str:
    """The answer quoted on one line: JSON quotes, and every control or invisible character
    escaped (a raw U+2028 would end the line in a terminal, and in Python's splitlines)."""
    text = json.dumps(value, ensure_ascii=False) if isinstance(value, str) else str(value)
    text = "".join(f"\\u{ord(char):04x}" if unicodedata.category(char) in INVISIBLE else char for char in text)
    return text if len(text) <= 60 else text[:57] + "…"
