"""The catalogue of variants: which answers fit together and which files each one gets.

One table per fact, read by everything else:

- ``copier.yml`` asks the questions; its choice validators, defaults and ``when``
  conditions call :func:`screen_reason`, :func:`default` and :func:`asked` (through the
  context hook), so the allowed combinations are written only here. A choice question
  with one possible value is not asked (:func:`fixed_choices`), and the name and
  description a project starts with fit its case (:func:`project_texts`).
- ``_exclude`` in ``copier.yml`` drops :func:`excluded_paths`: the output paths whose
  features the answers did not choose. Template files therefore carry plain names; a
  Jinja condition stays in a name only where several sources write one output path
  (``src/handler.mjs`` per event source), and then it only picks the source.
- The tests take their answer matrix from :func:`combinations`, the first fixture and
  the fuzz targets from :data:`VARIANTS`.

Plain data and small pure functions: no Jinja, no file access, no network.
See CONTRIBUTING.md for how to add a use case, an event source or a store.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

# ------------------------------------------------------------------ the choices --
# Every choice of copier.yml, in the order copier.yml lists it (messages list the
# allowed values in this order); tests/test_layout.py checks that the two agree.
PLATFORMS = ("lambda", "workers")
USE_CASES = ("json_api", "webhook", "file_import", "edge_redirect", "queue_consumer")
EVENT_SOURCES = ("http_api", "function_url", "s3", "sqs", "eventbridge", "fetch", "queue", "r2_notification", "cron")
STORES = ("dynamodb", "durable_object", "d1", "kv")
AUTHS = ("none", "api_key", "iam", "hmac")
SIGNATURE_SCHEMES = ("standard_webhooks", "stripe", "github")
LANGUAGES = ("javascript", "typescript")

#: Event sources that deliver HTTP requests (auth, CORS and body limits apply).
HTTP_SOURCES = frozenset({"http_api", "function_url", "fetch"})
#: Use cases that change nothing and so keep no idempotency record, take no body and
#: check no caller (redirects answered at the edge).
STATELESS_USE_CASES = frozenset({"edge_redirect"})


@dataclass(frozen=True)
class Variant:
    """One allowed (platform, use case, event source) and what its repo starts with."""

    platform: str
    use_case: str
    event_source: str
    #: The fixture the README and the after-copy message tell the owner to invoke first.
    first_fixture: str
    #: The targets of the FUZZ-REPORT lines its generated tests print (tests/support/fuzz.py).
    fuzz_targets: frozenset[str]
    #: Said in the refusal message of a misplaced event source, where the name is not enough.
    note: str = ""


def _variant(platform: str, use_case: str, event_source: str, first_fixture: str, *fuzz: str, note: str = "") -> Variant:
    return Variant(platform, use_case, event_source, first_fixture, frozenset(fuzz), note)


_CSV = ("parseCsv round trip", "parseCsv any text")
_CRON_NOTE = "a scheduled sweep of the R2 bucket's incoming/ folder"

#: Every allowed (platform, use case, event source). The first row of a (platform,
#: use case) pair is its default event source.
VARIANTS: tuple[Variant, ...] = (
    _variant("lambda", "json_api", "http_api", "post-order.json", "orders-api", "orders-api with store outage"),
    _variant("lambda", "json_api", "function_url", "post-order.json", "orders-api", "orders-api with store outage"),
    _variant("lambda", "webhook", "http_api", "delivery-valid.json", "webhook", "webhook with store outage"),
    _variant("lambda", "webhook", "function_url", "delivery-valid.json", "webhook", "webhook with store outage"),
    _variant("lambda", "file_import", "s3", "object-created.json", "s3-import"),
    _variant("lambda", "queue_consumer", "sqs", "batch-valid.json", "sqs-consumer"),
    _variant("lambda", "queue_consumer", "eventbridge", "event-valid.json", "eventbridge-consumer"),
    _variant("workers", "json_api", "fetch", "post-order.json", "fetch /orders"),
    _variant("workers", "webhook", "fetch", "delivery-valid.json", "fetch /webhook"),
    _variant("workers", "file_import", "r2_notification", "object-created.json", "queue R2 notifications", *_CSV),
    _variant("workers", "file_import", "fetch", "post-import.json", "fetch /imports", *_CSV),
    _variant("workers", "file_import", "cron", "scheduled-sweep.json", "scheduled sweep", *_CSV, note=_CRON_NOTE),
    _variant("workers", "edge_redirect", "fetch", "get-redirected-path.json", "fetch redirects"),
    _variant("workers", "queue_consumer", "queue", "batch-valid.json", "queue messages"),
)

#: Idempotency stores per platform; the first is the default.
STORES_BY_PLATFORM: dict[str, tuple[str, ...]] = {
    "lambda": ("dynamodb",),
    "workers": ("durable_object", "d1", "kv"),
}

#: How callers of an HTTP endpoint authenticate, per platform; the first is the default.
AUTH_BY_PLATFORM: dict[str, tuple[str, ...]] = {
    "lambda": ("iam", "none", "api_key"),
    "workers": ("api_key", "none"),
}
#: Use cases that fix the authentication: a webhook's caller is the provider, who signs.
AUTH_BY_USE_CASE: dict[str, tuple[str, ...]] = {"webhook": ("hmac",)}

#: The (platform, use case) pairs whose repo can be TypeScript: those whose every file
#: the derivation turns into TypeScript that `tsc --strict` accepts (docs/decisions.md).
#: JavaScript fits every case and is the default. A pair added here needs its JSDoc
#: typed first; `make typescript` then derives its files and the suite checks them.
TYPESCRIPT_CASES: frozenset[tuple[str, str]] = frozenset(
    {("lambda", "json_api"), ("lambda", "webhook"), ("lambda", "queue_consumer"), ("lambda", "file_import")}
    | {("workers", use_case) for use_case in ("json_api", "webhook", "queue_consumer", "file_import", "edge_redirect")}
)
#: Template folders whose `.mjs` sources have a derived `.ts` twin; a TypeScript repo gets
#: the twins, a JavaScript one the sources. The Claude Code hooks stay JavaScript in both.
LANGUAGE_FOLDERS = ("src", "scripts", "test")
#: The deploy gate's scripts stay JavaScript in a TypeScript repo too: the guard hook loads
#: and runs them with whatever Node runs Claude Code, and they read no code of the repo.
GATE_SCRIPTS = ("scripts/check.mjs", "scripts/check-conflict-markers.mjs", "scripts/lib/**")


# ------------------------------------------------------------ what is allowed --
def variant_of(platform: str, use_case: str, event_source: str) -> Variant | None:
    return _VARIANT_INDEX.get((platform, use_case, event_source))


def use_cases_on(platform: str) -> tuple[str, ...]:
    found = {variant.use_case for variant in VARIANTS if variant.platform == platform}
    return tuple(use_case for use_case in USE_CASES if use_case in found)


def event_sources_for(platform: str, use_case: str) -> tuple[str, ...]:
    """Allowed event sources, the default first."""
    return tuple(v.event_source for v in VARIANTS if (v.platform, v.use_case) == (platform, use_case))


def stores_for(platform: str, use_case: str) -> tuple[str, ...]:
    """The idempotency stores a combination can use, the default first; none when stateless."""
    return () if use_case in STATELESS_USE_CASES else STORES_BY_PLATFORM.get(platform, ())


def auths_for(platform: str, use_case: str) -> tuple[str, ...]:
    """Allowed authentications of an HTTP endpoint, the default first."""
    return AUTH_BY_USE_CASE.get(use_case) or AUTH_BY_PLATFORM.get(platform, ())


def _typescript_homes(platform_prefix: str, use_case_prefix: str, names: bool = False) -> str:
    """Where TypeScript fits, shortest first: a whole platform (`Lambda only`), else its cases."""
    homes = []
    for platform in PLATFORMS:
        cases = [u for u in use_cases_on(platform) if (platform, u) in TYPESCRIPT_CASES]
        shown = PLATFORM_NAMES[platform] if names else platform
        if cases and len(cases) == len(use_cases_on(platform)):
            homes.append(f"{platform_prefix}{shown}" + (" only" if names else ""))
        elif cases:
            listed = _listed([USE_CASE_TITLES[u] if names else u for u in cases])
            homes.append(f"{platform_prefix}{shown}{use_case_prefix}{listed}")
    return "; ".join(homes)


def languages_for(platform: str, use_case: str) -> tuple[str, ...]:
    """The languages a case can be written in, the default (JavaScript) first."""
    return LANGUAGES if (platform, use_case) in TYPESCRIPT_CASES else LANGUAGES[:1]


def schemes_for(use_case: str) -> tuple[str, ...]:
    return SIGNATURE_SCHEMES if use_case == "webhook" else ()


def is_http(use_case: str, event_source: str) -> bool:
    return event_source in HTTP_SOURCES and use_case not in STATELESS_USE_CASES


def has_rate_limiter(platform: str, use_case: str, event_source: str) -> bool:
    """Workers that answer HTTP (APIs, webhooks, uploads, redirects) carry the Rate Limiting binding."""
    return platform == "workers" and event_source == "fetch"


def _allowed(question: str, platform: str, use_case: str) -> tuple[str, ...]:
    if question == "use_case":
        return use_cases_on(platform)
    if question == "event_source":
        return event_sources_for(platform, use_case)
    if question == "idempotency_store":
        # Asked only where the use case keeps records (copier.yml `when`); the platform decides.
        return STORES_BY_PLATFORM.get(platform, ())
    if question == "auth":
        return auths_for(platform, use_case)
    if question == "signature_scheme":
        return SIGNATURE_SCHEMES
    if question == "language":
        return languages_for(platform, use_case)
    raise KeyError(f"{question} is not a question of the catalogue")


def default(question: str, platform: str, use_case: str) -> str:
    """The default answer of a choice question, given the platform and use case.

    Questions that are not asked (auth for an S3 import) still get a default that fits,
    because Copier renders the default of every question.
    """
    allowed = _allowed(question, platform, use_case)
    return allowed[0] if allowed else ""


def _listed(values: tuple[str, ...] | list[str]) -> str:
    values = list(values)
    return values[0] if len(values) == 1 else ", ".join(values[:-1]) + " or " + values[-1]


def refusal(question: str, value: str, platform: str, use_case: str) -> str:
    """Why ``value`` does not fit the earlier answers, as one line; "" when it fits.

    The line names the question, the value, where the value fits and what to choose
    instead: ``<question> <value> fits/needs …; on <platform> choose …``.
    """
    allowed = _allowed(question, platform, use_case)
    if value in allowed:
        return ""
    if question == "use_case":
        needs = [p for p in PLATFORMS if value in use_cases_on(p)]
        return f"use_case {value} needs platform {_listed(needs)}; on {platform} choose {_listed(allowed)}"
    if question == "event_source":
        homes = [v for v in VARIANTS if v.event_source == value]
        fits = "; ".join(
            f"platform {p} with use_case {_listed([u for u in USE_CASES if any(v.use_case == u and v.platform == p for v in homes)])}"
            for p in PLATFORMS
            if any(v.platform == p for v in homes)
        )
        note = f" ({homes[0].note})" if homes and homes[0].note else ""
        instead = f"; on {platform} with use_case {use_case} choose {_listed(allowed)}" if allowed else ""
        return f"event_source {value} fits {fits}{note}{instead}"
    if question == "idempotency_store":
        needs = [p for p in PLATFORMS if value in STORES_BY_PLATFORM[p]]
        return f"idempotency_store {value} needs platform {_listed(needs)}; on {platform} choose {_listed(allowed)}"
    if question == "auth":
        in_order = [auth for auth in AUTHS if auth in allowed]
        if use_case in AUTH_BY_USE_CASE:
            return f"auth {value} is not allowed for use_case {use_case}; use_case {use_case} needs auth {_listed(in_order)}"
        bound = [u for u, auths in AUTH_BY_USE_CASE.items() if value in auths]
        if bound:
            return f"auth {value} is for use_case {_listed(bound)}; choose {_listed(in_order)}"
        needs = [p for p in PLATFORMS if value in AUTH_BY_PLATFORM[p]]
        return f"auth {value} needs platform {_listed(needs)}; on {platform} choose {_listed(in_order)}"
    if question == "language" and value in LANGUAGES:
        return f"language {value} fits {_typescript_homes('platform ', ' with use_case ')} so far; on {platform} with use_case {use_case} choose {_listed(allowed)}"
    return f"{question} {value} does not fit; choose {_listed(allowed)}"


#: How the screen names a platform in a short reason ("Workers only").
PLATFORM_NAMES = {"lambda": "Lambda", "workers": "Workers"}


def screen_reason(question: str, value: str, platform: str, use_case: str) -> str:
    """Why a choice is disabled on the select screen, in a few words; "" when it fits.

    Shown after the choice's title (``- Edge redirects and cache rules (Workers only)``),
    so title and reason fit 80 columns; :func:`refusal` is the long form that `--data`
    answers get. Only values that fit somewhere else are refused, so the reason names
    where they fit, never a choice that is disabled on the same screen.
    """
    if value in _allowed(question, platform, use_case):
        return ""
    if question == "event_source":
        homes = [v for v in VARIANTS if v.event_source == value]
        if not any(v.platform == platform for v in homes):
            return f"{PLATFORM_NAMES[homes[0].platform]} only" if homes else "not offered"
        return "for " + _listed([u for u in USE_CASES if any(v.use_case == u and v.platform == platform for v in homes)])
    if question == "auth":
        bound = [u for u, auths in AUTH_BY_USE_CASE.items() if value in auths]
        if bound:
            return "for " + _listed(bound)
    if question == "language":
        return f"{_typescript_homes('', ' ', names=True)} so far"
    platforms = {
        "use_case": [p for p in PLATFORMS if value in use_cases_on(p)],
        "idempotency_store": [p for p in PLATFORMS if value in STORES_BY_PLATFORM[p]],
        "auth": [p for p in PLATFORMS if value in AUTH_BY_PLATFORM[p]],
    }.get(question, [])
    if len(platforms) == 1:
        return f"{PLATFORM_NAMES[platforms[0]]} only"
    return "does not fit"


def asked(question: str, platform: str, use_case: str) -> bool:
    """Whether a choice question is asked: only when more than one value fits.

    copier.yml's ``when`` also says where a question applies at all (auth only for HTTP
    endpoints); this decides whether it is worth a screen.
    """
    return len(_allowed(question, platform, use_case)) > 1


def fixed_choices(platform: str, use_case: str, event_source: str) -> dict[str, str]:
    """The choice questions that apply but have one possible value, with that value.

    They are not asked. Copier does not record the answer of a question it skips, so
    the answers file template adds these: `.copier-answers.yml` then names the whole
    combination (scripts/check.mjs and people read it), and the after-copy summary
    shows them as set, not asked.
    """
    applies = {
        "event_source": True,
        "idempotency_store": bool(stores_for(platform, use_case)),
        "auth": is_http(use_case, event_source),
        "signature_scheme": use_case == "webhook",
        "language": True,
    }
    return {
        question: _allowed(question, platform, use_case)[0]
        for question, applies_here in applies.items()
        if applies_here and len(_allowed(question, platform, use_case)) == 1
    }


# ------------------------------------------------------- what a project is called --
#: The name and description a new project starts with, by (use case, event source); ""
#: stands for every event source of the use case. The webhook ones name the provider
#: (``{provider}``, from the signature scheme). Only the JSON API's example domain is orders.
PROJECT_TEXTS: dict[tuple[str, str], tuple[str, str]] = {
    ("json_api", ""): ("Orders API", "Accepts orders over HTTP and hands them on exactly once."),
    ("webhook", ""): ("{provider} Webhook Receiver", "Verifies signed {provider} deliveries and handles each event exactly once."),
    ("file_import", "s3"): ("File Import", "Checks each file dropped into the S3 bucket and hands it on exactly once."),
    ("file_import", "r2_notification"): ("CSV Import", "Imports each CSV file uploaded to the R2 bucket exactly once."),
    ("file_import", "cron"): ("CSV Import Sweep", "Sweeps the R2 bucket on a schedule and imports each CSV file exactly once."),
    ("file_import", "fetch"): ("CSV Upload", "Accepts CSV uploads over HTTP and stores each one in R2 exactly once."),
    ("edge_redirect", ""): ("Edge Redirects", "Answers redirects and cache rules at the edge, from redirects.json."),
    ("queue_consumer", "sqs"): ("Queue Consumer", "Handles each message of the SQS queue exactly once, with retries and a DLQ."),
    ("queue_consumer", "eventbridge"): ("Event Consumer", "Handles each EventBridge event exactly once, with retries and a DLQ."),
    ("queue_consumer", "queue"): ("Queue Consumer", "Handles each message of the Cloudflare Queue exactly once, with retries and a DLQ."),
}
#: How the after-copy message calls a use case ("Your Workers webhook receiver …").
USE_CASE_TITLES = {
    "json_api": "JSON API",
    "webhook": "webhook receiver",
    "file_import": "file import",
    "edge_redirect": "edge redirects",
    "queue_consumer": "queue consumer",
}


def case_title(platform: str, use_case: str) -> str:
    return f"{PLATFORM_NAMES.get(platform, platform)} {USE_CASE_TITLES.get(use_case, use_case)}"


#: How a webhook's name and description call its provider, by signature scheme.
PROVIDER_NAMES = {"standard_webhooks": "", "stripe": "Stripe", "github": "GitHub"}


def project_texts(use_case: str, event_source: str = "", signature_scheme: str = "") -> tuple[str, str]:
    """The default project name and description for a case."""
    name, description = PROJECT_TEXTS.get((use_case, event_source)) or PROJECT_TEXTS.get((use_case, ""), PROJECT_TEXTS[("json_api", "")])
    provider = PROVIDER_NAMES.get(signature_scheme, "")
    return (
        " ".join(name.format(provider=provider).split()),
        " ".join(description.format(provider=provider).split()),
    )


# -------------------------------------------------------- every combination --
@dataclass(frozen=True)
class Combination:
    """One allowed set of choice answers: the questions that decide which files exist."""

    platform: str
    use_case: str
    event_source: str
    idempotency_store: str = ""
    auth: str = ""
    signature_scheme: str = ""
    language: str = "javascript"

    @property
    def id(self) -> str:
        parts = (self.platform, self.use_case, self.event_source, self.idempotency_store, self.auth, self.signature_scheme)
        # JavaScript, the default, leaves the id as it was before the language question.
        return "-".join(part for part in (*parts, "" if self.language == "javascript" else self.language) if part)

    @property
    def variant(self) -> Variant:
        found = variant_of(self.platform, self.use_case, self.event_source)
        assert found is not None, self
        return found

    def answers(self) -> dict[str, str]:
        """The choices as `--data` answers: only the questions this combination is asked."""
        names = ("platform", "use_case", "event_source", "idempotency_store", "auth", "signature_scheme")
        chosen = {name: getattr(self, name) for name in names if getattr(self, name)}
        return chosen | ({"language": self.language} if self.language != "javascript" else {})


def combinations(platform: str | None = None) -> tuple[Combination, ...]:
    """Every combination of choices the questionnaire accepts, in catalogue order."""
    found = []
    for variant in VARIANTS:
        if platform and variant.platform != platform:
            continue
        http = is_http(variant.use_case, variant.event_source)
        for language, store, auth, scheme in itertools.product(
            languages_for(variant.platform, variant.use_case),
            stores_for(variant.platform, variant.use_case) or ("",),
            auths_for(variant.platform, variant.use_case) if http else ("",),
            schemes_for(variant.use_case) or ("",),
        ):
            found.append(Combination(variant.platform, variant.use_case, variant.event_source, store, auth, scheme, language))
    return tuple(found)


def combination_of(answers: Mapping[str, Any]) -> Combination:
    """The combination that a complete set of answers (as recorded) stands for."""
    platform = answers.get("platform", "lambda")
    use_case = answers.get("use_case", "json_api")
    event_source = answers.get("event_source") or default("event_source", platform, use_case)
    http = is_http(use_case, event_source)
    return Combination(
        platform,
        use_case,
        event_source,
        (answers.get("idempotency_store") or default("idempotency_store", platform, use_case)) if stores_for(platform, use_case) else "",
        (answers.get("auth") or default("auth", platform, use_case)) if http else "",
        (answers.get("signature_scheme") or default("signature_scheme", platform, use_case)) if use_case == "webhook" else "",
        str(answers.get("language") or "javascript"),
    )


# ------------------------------------------------------- which files exist --
@dataclass(frozen=True)
class Chosen:
    """The answers that decide which files a repo gets, as the templates see them."""

    platform: str
    use_case: str
    event_source: str
    store: str  # "" for stateless use cases
    auth: str  # "" unless the event source is HTTP
    signature_scheme: str  # "" unless a webhook
    cors: bool
    with_ci: bool
    with_mcp: bool
    language: str = "javascript"

    @classmethod
    def of(cls, answers: Mapping[str, Any]) -> Chosen:
        """From a (possibly partial) set of answers, as in a Jinja context."""
        platform = str(answers.get("platform", "lambda"))
        use_case = str(answers.get("use_case", "json_api"))
        event_source = str(answers.get("event_source", ""))
        http = is_http(use_case, event_source)
        return cls(
            platform=platform,
            use_case=use_case,
            event_source=event_source,
            store=str(answers.get("idempotency_store", "")) if stores_for(platform, use_case) else "",
            auth=str(answers.get("auth", "")) if http else "",
            signature_scheme=str(answers.get("signature_scheme", "")) if use_case == "webhook" else "",
            cors=http and bool(answers.get("cors_origins")),
            with_ci=bool(answers.get("with_ci", True)),
            with_mcp=bool(answers.get("with_mcp", False)),
            language=str(answers.get("language") or "javascript"),
        )

    def summary(self) -> list[tuple[str, str]]:
        """The choices that apply, as (question, value) in the order they are asked."""
        rows = [
            ("platform", self.platform),
            ("use_case", self.use_case),
            ("event_source", self.event_source),
            ("signature_scheme", self.signature_scheme),
            ("idempotency_store", self.store),
            ("auth", self.auth),
            ("language", self.language),
        ]
        return [(question, value) for question, value in rows if value]

    @property
    def is_lambda(self) -> bool:
        return self.platform == "lambda"

    @property
    def is_workers(self) -> bool:
        return self.platform == "workers"

    @property
    def is_http(self) -> bool:
        return is_http(self.use_case, self.event_source)

    @property
    def is_event_consumer(self) -> bool:
        return self.event_source not in HTTP_SOURCES and bool(self.event_source)

    @property
    def needs_idempotency(self) -> bool:
        return self.use_case not in STATELESS_USE_CASES

    @property
    def has_rate_limiter(self) -> bool:
        return has_rate_limiter(self.platform, self.use_case, self.event_source)


@dataclass(frozen=True)
class Feature:
    """Output paths (files or whole folders) that exist only when ``applies`` holds.

    A path claimed by several features exists when any of them applies. Paths that no
    feature claims are shared by every repo (tests/test_layout.py lists them).
    """

    name: str
    applies: Callable[[Chosen], bool]
    paths: tuple[str, ...]


def _events(*names: str) -> tuple[str, ...]:
    return tuple(f"events/{name}.json" for name in names)


FEATURES: tuple[Feature, ...] = (
    # ---- platforms
    Feature("lambda", lambda c: c.is_lambda, (
        "template.yaml", "samconfig.toml", "src/handler.mjs", "src/lib/stores/memory.mjs", "src/lib/aws-sdk.mjs",
        "test/unit", "test/integration", "test/support/canaries.mjs",
        # `npm run bench:cold`: the handler's import and first event in fresh processes.
        "scripts/bench-cold.mjs", "scripts/bench-cold-child.mjs",
    )),
    # dynalite ships no types; the Workers tests have no such package.
    Feature("lambda + typescript", lambda c: c.is_lambda and c.language == "typescript", ("test/support/untyped-modules.d.ts",)),
    Feature("lambda + HTTP", lambda c: c.is_lambda and c.is_http, (
        "src/lib/apigateway.mjs", "test/support/hostile-http.mjs", "test/support/http-events.mjs",
    )),
    Feature("lambda + event consumer", lambda c: c.is_lambda and c.is_event_consumer, (
        "src/lib/records.mjs", "test/integration/consumer-dynamodb.test.mjs", "test/support/consumer-events.mjs",
    )),
    Feature("workers", lambda c: c.is_workers, (
        "wrangler.jsonc", "vitest.config.mjs", ".dev.vars.example", "src/index.mjs", "test/log-canaries.test.mjs", "test/logger.test.mjs",
        "test/support/fuzz-report.mjs", "test/support/logs.mjs",
    )),
    # A Worker's scripts and Vitest's config run in Node, the Worker in workerd: two type worlds.
    Feature("workers + typescript", lambda c: c.is_workers and c.language == "typescript", ("tsconfig.node.json",)),
    # One source per kind of entry point; the cron sweep's single fixture has no test file of its own.
    Feature("workers, not cron", lambda c: c.is_workers and c.event_source != "cron", ("test/fixtures.test.mjs",)),
    Feature("workers + HTTP", lambda c: c.is_workers and c.is_http, ("src/lib/http-worker.mjs", "src/lib/workers-http.mjs")),
    Feature("workers + event consumer", lambda c: c.is_workers and c.is_event_consumer, ("src/lib/queue-consumer.mjs",)),
    Feature("workers + CORS", lambda c: c.is_workers and c.cors, ("src/lib/cors.mjs",)),
    # Every Worker that answers HTTP, redirects included.
    Feature("workers + rate limit", lambda c: c.has_rate_limiter, ("src/lib/rate-limit.mjs", "test/rate-limit.test.mjs")),
    # ---- use cases
    Feature("HTTP", lambda c: c.is_http, ("src/lib/api.mjs", "src/lib/idempotency-key.mjs", "src/lib/json-body.mjs")),
    Feature("HTTP or edge_redirect", lambda c: c.is_http or c.use_case == "edge_redirect", ("src/lib/http.mjs",)),
    Feature("json_api", lambda c: c.use_case == "json_api", (
        "src/orders.mjs",
        *_events("post-order", "post-order-bad-json", "post-order-invalid-input", "post-order-missing-key",
                 "post-order-same-key-other-amount", "post-order-wrong-content-type", "post-order-too-large", "get-health",
                 "get-unknown-route", "delete-orders-wrong-method"),
    )),
    Feature("lambda + json_api", lambda c: c.is_lambda and c.use_case == "json_api", (
        *_events("post-order-base64"), "test/integration/orders-api-dynamodb.test.mjs",
        "test/integration/store-deadlines.test.mjs", "test/support/stalling-proxy.mjs",
        "test/unit/orders-api.test.mjs", "test/unit/fuzz-orders-api.test.mjs", "test/unit/standards-oracles.test.mjs",
    )),
    Feature("workers + json_api", lambda c: c.is_workers and c.use_case == "json_api", (
        "test/orders-api.test.mjs", "test/orders-fuzz.test.mjs",
    )),
    Feature("webhook", lambda c: c.use_case == "webhook", (
        "src/deliveries.mjs", "src/lib/signatures.mjs", "src/lib/webhook-auth.mjs", "scripts/webhook-fixtures.mjs",
        "test/support/official-signers.mjs",
        *_events("delivery-valid", "delivery-bad-json", "delivery-missing-signature", "delivery-rotated-secret",
                 "delivery-tampered-body", "delivery-wrong-secret"),
    )),
    # GitHub signs no timestamp, so its deliveries cannot be expired or early.
    Feature("webhook + signed timestamp", lambda c: c.use_case == "webhook" and c.signature_scheme != "github", (
        *_events("delivery-expired", "delivery-future"),
    )),
    Feature("lambda + webhook", lambda c: c.is_lambda and c.use_case == "webhook", (
        "test/integration/secret-stores-emulator.test.mjs",
        "test/integration/webhook-dynamodb.test.mjs", "test/unit/fuzz-webhook.test.mjs", "test/unit/secrets.test.mjs",
        "test/unit/signatures.test.mjs", "test/unit/webhook.test.mjs",
    )),
    Feature("workers + webhook", lambda c: c.is_workers and c.use_case == "webhook", (
        "scripts/send.mjs", "test/webhook.test.mjs", "test/webhook-fuzz.test.mjs",
    )),
    Feature("workers + file_import", lambda c: c.is_workers and c.use_case == "file_import", ("src/imports.mjs", "test/csv.test.mjs")),
    Feature("edge_redirect", lambda c: c.use_case == "edge_redirect", (
        "redirects.json", "src/redirects.mjs", "test/redirects.test.mjs", "test/redirect-rules.test.mjs",
        "test/redirects-fuzz.test.mjs",
        *_events("get-redirected-path", "get-redirected-with-query", "get-protocol-relative-path", "get-unknown-path",
                 "post-redirected-path"),
    )),
    Feature("queue_consumer", lambda c: c.use_case == "queue_consumer", ("src/messages.mjs",)),
    Feature("lambda + queue_consumer", lambda c: c.is_lambda and c.use_case == "queue_consumer", ("test/support/hostile-messages.mjs",)),
    # ---- event sources
    Feature("s3", lambda c: c.event_source == "s3", (
        "src/files.mjs", "src/jobs.mjs", "test/integration/jobs-queue-emulator.test.mjs", "test/unit/file-import.test.mjs",
        "test/unit/fuzz-s3.test.mjs",
        *_events("object-created-encoded-key", "object-created-mixed-batch", "object-bad-key-encoding", "object-removed",
                 "object-too-large", "object-wrong-type", "s3-test-event"),
    )),
    Feature("s3 or r2_notification", lambda c: c.event_source in {"s3", "r2_notification"}, _events("object-created")),
    Feature("sqs", lambda c: c.event_source == "sqs", (
        "test/unit/sqs-consumer.test.mjs", "test/unit/fuzz-sqs.test.mjs", *_events("batch-duplicate-message", "batch-partial-failure"),
    )),
    Feature("sqs or queue", lambda c: c.event_source in {"sqs", "queue"}, _events("batch-valid", "batch-poison-message")),
    Feature("eventbridge", lambda c: c.event_source == "eventbridge", (
        "test/unit/eventbridge-consumer.test.mjs", "test/unit/fuzz-eventbridge.test.mjs",
        *_events("event-valid", "event-invalid-detail", "event-missing-id"),
    )),
    Feature("queue", lambda c: c.event_source == "queue", (
        "test/queue-consumer.test.mjs", "test/queue-fuzz.test.mjs", *_events("batch-redelivered"),
    )),
    Feature("r2_notification", lambda c: c.event_source == "r2_notification", (
        "src/notifications.mjs", "test/notifications.test.mjs", "test/notifications-fuzz.test.mjs",
        *_events("object-deleted", "object-created-redelivered", "object-created-missing-object", "notification-malformed"),
    )),
    Feature("cron", lambda c: c.event_source == "cron", (
        "src/sweep.mjs", "test/sweep.test.mjs", "test/sweep-fuzz.test.mjs", "test/support/memory-bucket.mjs",
        *_events("scheduled-sweep"),
    )),
    Feature("workers + file_import + fetch", lambda c: c.is_workers and c.use_case == "file_import" and c.event_source == "fetch", (
        "src/uploads.mjs", "test/uploads.test.mjs", "test/uploads-fuzz.test.mjs",
        *_events("post-import", "post-import-missing-key", "post-import-ragged-rows", "post-import-wrong-content-type",
                 "get-imports-wrong-method"),
    )),
    # ---- stores
    Feature("idempotency store", lambda c: c.needs_idempotency, (
        "src/store.mjs", "src/lib/idempotency.mjs", "src/lib/digest.mjs", "src/lib/stores",
    )),
    Feature("dynamodb", lambda c: c.store == "dynamodb", (
        "src/lib/stores/dynamodb.mjs", "test/support/dynalite.mjs", "test/integration/dynamodb-idempotency.test.mjs",
    )),
    Feature("workers + idempotency store", lambda c: c.is_workers and c.needs_idempotency, (
        "src/lib/worker-wiring.mjs", "test/idempotency-store.test.mjs", "test/support/outage.mjs",
    )),
    Feature("durable_object", lambda c: c.store == "durable_object", ("src/lib/stores/durable-object.mjs",)),
    Feature("d1", lambda c: c.store == "d1", (
        "src/lib/stores/d1.mjs", "src/maintenance.mjs", "migrations", "test/support/apply-migrations.mjs",
    )),
    Feature("kv", lambda c: c.store == "kv", ("src/lib/stores/kv.mjs",)),
    # ---- auth
    Feature("api_key", lambda c: c.auth == "api_key", ("src/lib/api-key.mjs", "scripts/local-api-keys.mjs")),
    Feature("api_key or webhook", lambda c: c.auth == "api_key" or c.use_case == "webhook", ("src/lib/constant-time.mjs",)),
    Feature("lambda + iam", lambda c: c.is_lambda and c.auth == "iam", ("src/lib/iam-caller.mjs",)),
    Feature("lambda + api_key", lambda c: c.is_lambda and c.auth == "api_key", ("test/unit/api-key.test.mjs",)),
    Feature("lambda + secrets", lambda c: c.is_lambda and (c.use_case == "webhook" or c.auth == "api_key"), ("src/secrets.mjs",)),
    Feature("json_api + api_key", lambda c: c.use_case == "json_api" and c.auth == "api_key", (
        *_events("get-health-wrong-api-key"),
    )),
    Feature("workers + upload + api_key", lambda c: c.is_workers and c.event_source == "fetch" and c.use_case == "file_import" and c.auth == "api_key", (
        *_events("post-import-wrong-api-key"),
    )),
    # ---- Claude Code skills that extend one use case's contract (the others are shared)
    Feature("json_api skill", lambda c: c.use_case == "json_api", (".claude/skills/add-route",)),
    Feature("webhook skill", lambda c: c.use_case == "webhook", (".claude/skills/add-event-type",)),
    Feature("queue_consumer skill", lambda c: c.use_case == "queue_consumer", (".claude/skills/add-message-type",)),
    # ---- extras
    Feature("with_ci", lambda c: c.with_ci, (".github",)),
    Feature("with_mcp", lambda c: c.with_mcp, (".mcp.json",)),
)


#: The Claude Code files every repo gets. `.claude` itself is not shared as a whole:
#: the skills of one use case are claimed by features above. A new shared skill is one
#: more line here.
CLAUDE_SHARED: tuple[str, ...] = (
    ".claude/settings.json", ".claude/hooks", ".claude/agents", ".claude/rules",
    ".claude/skills/requirements", ".claude/skills/new-fixture", ".claude/skills/checklist-review",
    ".claude/skills/deploy-check", ".claude/skills/read-logs", ".claude/skills/cold-start", "AGENTS.md",
)

#: Output paths every repo gets: one source, or one source per platform that its
#: name picks (`{% if is_lambda %}package.json{% endif %}.jinja`).
SHARED: tuple[str, ...] = (
    *CLAUDE_SHARED, ".githooks", ".gitignore", ".copier-answers.yml", "CLAUDE.md", "DEPLOY_CHECKLIST.md", "README.md",
    "prompts", "package.json", "scripts/check.mjs", "scripts/check-conflict-markers.mjs", "scripts/invoke.mjs",
    "scripts/lib", "src/config.mjs", "src/lib/config-reader.mjs", "src/lib/logger.mjs", "test/support/fuzz.mjs",
    "test/support/fuzz-failure.mjs",
    # Deadlines for the idempotency store and, on redirects without a store, the rate limiter.
    "src/lib/deadline.mjs",
)


def excluded_paths(chosen: Chosen) -> tuple[str, ...]:
    """Output paths of the features ``chosen`` does not have, as anchored `_exclude` patterns,
    then the files of the other language (a feature's `x.mjs` is also its `x.ts`)."""
    kept = {path for feature in FEATURES if feature.applies(chosen) for path in feature.paths}
    dropped = {path for feature in FEATURES if not feature.applies(chosen) for path in feature.paths} - kept
    twins = {path.removesuffix(".mjs") + ".ts" for path in dropped if path.endswith(".mjs")}
    return (*(f"/{path}" for path in sorted(dropped | twins)), *other_language_paths(chosen.language))


def in_language(path: str, language: str) -> str:
    """The output path of catalogue path ``path`` in a repo of ``language``: `x.mjs` is `x.ts`
    in a TypeScript repo, except for the Claude Code and deploy-gate scripts."""
    gate = [script.removesuffix("/**") for script in GATE_SCRIPTS]
    if language != "typescript" or not path.endswith(".mjs") or path.split("/")[0] not in LANGUAGE_FOLDERS:
        return path
    if any(path == script or path.startswith(script + "/") for script in gate):
        return path
    return path.removesuffix(".mjs") + ".ts"


#: Files every TypeScript repo has and no JavaScript one: the compiler's settings (the
#: platform's own TypeScript-only files are features above).
TYPESCRIPT_ONLY = ("tsconfig.json",)


def other_language_paths(language: str) -> tuple[str, ...]:
    """`_exclude` patterns for the files of the language not chosen (`!` keeps a path)."""
    if language == "typescript":
        return (*(f"/{folder}/**/*.mjs" for folder in LANGUAGE_FOLDERS), *(f"!/{path}" for path in GATE_SCRIPTS))
    return (*(f"/{folder}/**/*.ts" for folder in LANGUAGE_FOLDERS), *(f"/{path}" for path in TYPESCRIPT_ONLY))


_VARIANT_INDEX = {(v.platform, v.use_case, v.event_source): v for v in VARIANTS}
