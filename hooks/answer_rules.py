"""What each typed answer of the questionnaire may be, and how a refusal reads.

copier.yml's validators call :func:`problem` (``{{ answer_problem('memory_mb', memory_mb) }}``)
and hooks/given_answers.py checks `--data` answers with the same rules, so a limit is
written once. A refusal has two parts:

- ``short``: what is allowed, in a few words. The questionnaire shows it in a one-line
  bar after Copier's ``Validation error for question '<name>': ``, and the two together
  fit 80 columns (tests/test_answer_rules.py renders every rule to check).
- ``detail``: why, and what was given. It follows on the next line of the message,
  and on the same line of a `--data` refusal.

Plain functions of the answer and the earlier answers; no Jinja, no files, no network.
"""

from __future__ import annotations

import datetime
import hashlib
import importlib.util
import json
import re
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any


def _sibling(name: str) -> ModuleType:
    """hooks/<name>.py of this template copy, under the name hooks/context.py gives it
    (one module object per template copy; Copier loads hooks by path, not as a package)."""
    path = Path(__file__).with_name(f"{name}.py")
    module_name = f"copier_serverless_{name}_" + hashlib.sha256(str(path.resolve()).encode()).hexdigest()[:16]
    if (loaded := sys.modules.get(module_name)) is not None:
        return loaded
    spec = importlib.util.spec_from_file_location(module_name, path)
    assert spec and spec.loader, path
    module = importlib.util.module_from_spec(spec)
    sys.modules[module_name] = module
    spec.loader.exec_module(module)
    return module


text = _sibling("answer_filters")  # which characters free text and AWS tags may hold
pins = _sibling("pins")  # the compatibility_date rules


@dataclass(frozen=True)
class Refusal:
    short: str
    detail: str = ""

    def message(self) -> str:
        """As a validator returns it: the short part first, the detail on its own line."""
        return f"{self.short}\n{self.detail}" if self.detail else self.short

    def one_line(self) -> str:
        """As a `--data` refusal shows it."""
        return f"{self.short} ({self.detail})" if self.detail else self.short


def shown(value: Any) -> str:
    """An answer as a refusal quotes it: strings in JSON quotes (so a newline shows as \\n)."""
    return json.dumps(value, ensure_ascii=False) if isinstance(value, str) else str(value)


# ------------------------------------------------------------------- free text --
def free_text(value: Any, max_length: int) -> Refusal | None:
    """One line of text, without control or invisible formatting characters."""
    answer = str(value)
    if not answer.strip():
        return Refusal("a value is required")
    for position, char in enumerate(answer, start=1):
        if text.forbidden_in_text(char):
            return Refusal("one line, no control characters", f"found {text.describe(char)} at character {position}")
    if len(answer) > max_length:
        return Refusal(f"at most {max_length} characters (got {len(answer)})")
    return None


def aws_tag(value: Any) -> Refusal | None:
    """On Lambda the owner tags every resource, so it must be an AWS tag value."""
    for char in str(value):
        if not text.fits_aws_tag_value(char):
            return Refusal("letters, digits, spaces and _.:/=+-@ only", f"it tags every AWS resource; found {text.describe(char)}")
    return None


# --------------------------------------------------------------------- numbers --
@dataclass(frozen=True)
class Between:
    """A whole number from ``low`` to ``high``."""

    low: int
    high: int
    unit: str = ""
    why: str = ""
    where: str = ""  # "on lambda", "behind an HTTP API"

    def allowed(self) -> str:
        return " ".join(part for part in (f"{self.low} to {self.high}{self.unit}", self.where) if part)

    def check(self, value: int) -> Refusal | None:
        return None if self.low <= value <= self.high else Refusal(self.allowed(), self.why)


@dataclass(frozen=True)
class OneOf:
    """A whole number from a fixed list."""

    values: tuple[int, ...]
    why: str

    def allowed(self) -> str:
        return "one of " + ", ".join(map(str, self.values))

    def check(self, value: int) -> Refusal | None:
        if value in self.values:
            return None
        return Refusal("one of " + ", ".join(map(str, self.values[:6])) + ", …", f"{self.why}: {', '.join(map(str, self.values))}")


#: The retention values CloudWatch Logs accepts (RetentionInDays).
CLOUDWATCH_RETENTION_DAYS = (1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653)

# The largest max_body_kb each platform can deliver to the handler, with the reason
# (Lambda quotas; Cloudflare Workers limits, checked 2026-12).
BODY_LIMITS: dict[str, dict[str, Any]] = {
    "lambda": {
        "kib": 6144,
        "reason": "Lambda's 6 MB limit on a synchronous invocation, which holds the whole event: body, headers and JSON escaping",
    },
    "workers": {
        "kib": 102400,
        "reason": (
            "100 MB, the request body limit of Cloudflare's Free and Pro plans; Business and Enterprise allow more, "
            "but the Worker holds the whole body in its 128 MB of memory"
        ),
    },
}


def body_limit(answers: Mapping[str, Any]) -> dict[str, Any]:
    return BODY_LIMITS.get(str(answers.get("platform", "lambda")), BODY_LIMITS["lambda"])


def _max_body(answers: Mapping[str, Any]) -> Between:
    platform = str(answers.get("platform", "lambda"))
    return Between(1, body_limit(answers)["kib"], " KiB", body_limit(answers)["reason"], f"on {platform}")


def _timeout(answers: Mapping[str, Any]) -> Between:
    if answers.get("event_source") == "http_api":
        return Between(1, 30, " seconds", "API Gateway's HTTP API integration timeout is 30 seconds", "behind an HTTP API")
    return Between(1, 900, " seconds", "Lambda's 15-minute limit")


def _reserved_concurrency(answers: Mapping[str, Any]) -> Between:
    if answers.get("event_source") == "function_url" and answers.get("auth") == "none":
        # No gateway stands in front of a public function URL: the reservation is its only limit.
        return Between(1, 10000, "", "nothing else limits how many callers run a public function URL at once",
                       "if public")
    return Between(0, 10000, "", "0 reserves none; a reservation comes out of the account's concurrency quota")


#: Numeric questions: the rule, given the earlier answers.
NUMBERS: dict[str, Callable[[Mapping[str, Any]], Between | OneOf]] = {
    "max_body_kb": _max_body,
    "idempotency_ttl_hours": lambda answers: Between(1, 720, " hours", "30 days"),
    "log_retention_days": lambda answers: OneOf(CLOUDWATCH_RETENTION_DAYS, "the values CloudWatch Logs accepts"),
    "timeout_s": _timeout,
    "memory_mb": lambda answers: Between(128, 10240, " MB", "Lambda's memory range"),
    "reserved_concurrency": _reserved_concurrency,
    "rate_limit_requests": lambda answers: Between(1, 1_000_000, " requests", "per caller and period"),
    "rate_limit_namespace_id": lambda answers: Between(1, 2_147_483_647, "", "the Rate Limiting binding's namespace_id"),
}


def number(question: str, value: Any, answers: Mapping[str, Any]) -> Refusal | None:
    refusal = NUMBERS[question](answers).check(int(value))
    if refusal or question != "reserved_concurrency":
        return refusal
    if answers.get("event_source") == "sqs" and int(value) == 1:
        return Refusal("0, or 2 or more, with SQS", "an SQS event source's MaximumConcurrency cannot be below 2")
    return None


def allowed(question: str, answers: Mapping[str, Any]) -> str:
    """What a numeric question accepts, for a `--data` answer that is no number."""
    return NUMBERS[question](answers).allowed() if question in NUMBERS else ""


# ------------------------------------------------------------- names and dates --
SLUG = re.compile(r"[a-z]([a-z0-9-]{0,38}[a-z0-9])?")
DATE = re.compile(r"20[0-9]{2}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])")
ORIGIN = re.compile(r"https?://[a-z0-9.-]+(:[0-9]{1,5})?")
AWS_REGION = re.compile(r"[a-z]{2}(-gov)?-[a-z]+-[0-9]")


def slug(value: Any) -> Refusal | None:
    answer = str(value)
    if SLUG.fullmatch(answer) and "--" not in answer:
        return None
    return Refusal("a-z, 0-9 and single dashes only", f"got {shown(answer)}; 1-40 characters, a letter first, no dash at the end")


def public_until(value: Any, answers: Mapping[str, Any]) -> Refusal | None:
    if answers.get("auth") != "none" or DATE.fullmatch(str(value)):
        return None
    return Refusal("a date YYYY-MM-DD is required", f"auth none makes the endpoint public; the date it is reviewed or deleted by (got {shown(str(value))})")


def cors_origins(value: Any) -> Refusal | None:
    answer = str(value)
    if not answer.strip():
        return None
    if refusal := free_text(answer, max_length=2000):
        return refusal
    for origin in (part.strip() for part in answer.split(",")):
        if origin == "*":
            return Refusal('"*" is refused; list exact origins', "any site could call this API")
        if origin and not ORIGIN.fullmatch(origin):
            return Refusal("each origin like https://a.example", f"got {shown(origin)}: a scheme, a host and an optional port, no path")
    return None


def aws_region(value: Any) -> Refusal | None:
    return None if AWS_REGION.fullmatch(str(value)) else Refusal("a region such as eu-west-1", f"got {shown(str(value))}")


def compatibility_date(value: Any, on: datetime.date | None = None) -> Refusal | None:
    """A real calendar day the pinned workerd runs, not in the future (hooks/pins.py)."""
    found = pins.compatibility_date_refusal(pins.load(), value, on)
    return Refusal(*found) if found else None


# ------------------------------------------------------------------ every rule --
def _owner(value: Any, answers: Mapping[str, Any]) -> Refusal | None:
    if refusal := free_text(value, max_length=256):
        return refusal
    return aws_tag(value) if answers.get("platform", "lambda") == "lambda" else None


#: The rule of every typed question (choices are the catalogue's, hooks/variants.py).
RULES: dict[str, Callable[[Any, Mapping[str, Any]], Refusal | None]] = {
    "project_name": lambda value, answers: free_text(value, max_length=50),
    "project_slug": lambda value, answers: slug(value),
    "description": lambda value, answers: free_text(value, max_length=200),
    "owner": _owner,
    "compatibility_date": lambda value, answers: compatibility_date(value),
    "public_until": public_until,
    "cors_origins": lambda value, answers: cors_origins(value),
    "aws_region": lambda value, answers: aws_region(value),
    **{question: (lambda value, answers, question=question: number(question, value, answers)) for question in NUMBERS},
}


def refusal(question: str, value: Any, answers: Mapping[str, Any]) -> Refusal | None:
    return RULES[question](value, answers)


def problem(question: str, value: Any, answers: Mapping[str, Any]) -> str:
    """The validator's message for ``value`` ("" when it is allowed)."""
    found = refusal(question, value, answers)
    return found.message() if found else ""
