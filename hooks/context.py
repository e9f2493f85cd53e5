"""Derived values for the templates, computed once from the answers.

Copier renders every file with the answers; this hook adds the values that several
files need and that would otherwise be repeated as Jinja expressions: which parts of
the stack exist (HTTP edge, idempotency table, DLQ), resource names, which fixture to
show first, each platform's body limit, and the pinned versions (pins.toml, read by
hooks/pins.py). Keeping them here gives one typed definition per fact.

The hook runs for every Jinja context, including while the questionnaire is still
being answered, so it must tolerate missing answers.
"""

from __future__ import annotations

import datetime
import functools
import hashlib
import importlib.util
import json
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import yaml
from copier.errors import UserMessageError
from copier_template_extensions import ContextHook

def _sibling_module(name: str) -> ModuleType:
    """hooks/<name>.py of this template copy (Copier loads this file by path, not as a package)."""
    path = Path(__file__).with_name(f"{name}.py")
    # One module per template copy: an update loads the old and the new template in one process.
    module_name = f"copier_serverless_{name}_" + hashlib.sha256(str(path.resolve()).encode()).hexdigest()[:16]
    if (loaded := sys.modules.get(module_name)) is not None:
        return loaded
    spec = importlib.util.spec_from_file_location(module_name, path)
    assert spec and spec.loader, path
    module = importlib.util.module_from_spec(spec)
    sys.modules[module_name] = module  # dataclasses look their module up while the classes are built
    spec.loader.exec_module(module)
    return module


variants = _sibling_module("variants")
claude_policy = _sibling_module("claude_policy")
labels = _sibling_module("labels")
fixtures = _sibling_module("fixtures")
claude_skills = _sibling_module("claude_skills")
mcp_servers = _sibling_module("mcp_servers")
pins = _sibling_module("pins")
answer_rules = _sibling_module("answer_rules")
given_answers = _sibling_module("given_answers")
versions = _sibling_module("versions")


def derive(answers: dict[str, Any]) -> dict[str, Any]:
    """Return the derived values for a (possibly partial) set of answers."""
    platform = answers.get("platform", "lambda")
    use_case = answers.get("use_case", "json_api")
    event_source = answers.get("event_source", "")
    slug = answers.get("project_slug", "")

    is_http = variants.is_http(use_case, event_source)
    auth = answers.get("auth", "") if is_http else ""
    derived = {
        "is_lambda": platform == "lambda",
        "is_workers": platform == "workers",
        "is_http": is_http,
        "is_event_consumer": bool(event_source) and event_source not in variants.HTTP_SOURCES,
        "effective_auth": auth,
        "is_public": is_http and auth == "none",
        # Asked only for public endpoints; defined always so templates can test it.
        "public_until": answers.get("public_until", ""),
        "needs_idempotency": use_case not in variants.STATELESS_USE_CASES,
        "is_typescript": answers.get("language") == "typescript",
        # The extension of the repo's own code: `node scripts/invoke.{{ code_ext }}`.
        "code_ext": "ts" if answers.get("language") == "typescript" else "mjs",
        **catalogue_context(answers, platform, use_case, event_source),
        **claude_code_context(answers, platform, slug),
        **claude_policy.headless_context(),
        **claude_skills.skills_context(answers, platform, use_case, event_source, slug, f"{slug}-dev"),
        **mcp_servers.mcp_context(answers, platform, dict(pins.load().raw["pypi"])),
        **workers_context(answers, platform, use_case, event_source, slug),
        **lambda_use_case_context(answers, platform, use_case, event_source),
        **rate_limit_context(platform, use_case, event_source, slug),
        "request_fixtures": request_fixtures(answers, platform, use_case, event_source, auth),
        "object_fixtures": {name: upload.as_context() for name, upload in fixtures.object_fixtures(event_source).items()},
        "body_limit": answer_rules.body_limit(answers),
        # `help: Function timeout, {{ answer_allowed('timeout_s') }}`: the range a number question takes here
        "answer_allowed": lambda question: answer_rules.allowed(question, answers),
        # `validator: "{{ answer_problem('memory_mb', memory_mb) }}"` in copier.yml
        "answer_problem": functools.partial(_answer_problem, answers),
    }
    # Versions come last: a pin's `when` reads the answers and the values above.
    return {**derived, **pins.pins_context({**answers, **derived})}


# -------------------------------------------------------------- the catalogue --
def catalogue_context(answers: dict[str, Any], platform: str, use_case: str, event_source: str) -> dict[str, Any]:
    """What hooks/variants.py says about these answers: the first fixture, the paths to
    leave out (copier.yml `_exclude`), and the functions copier.yml's choices call."""
    variant = variants.variant_of(platform, use_case, event_source) or next(
        (v for v in variants.VARIANTS if (v.platform, v.use_case) == (platform, use_case)), None
    )
    return {
        "first_event_fixture": variant.first_fixture if variant else "post-order.json",
        "excluded_paths": "\n".join(variants.excluded_paths(variants.Chosen.of(answers))),
        # `validator: "{{ choice_refusal('event_source', 's3') }}"` in copier.yml
        "choice_refusal": functools.partial(_refusal, platform, use_case),
        # `default: "{{ choice_default('event_source') }}"` in copier.yml
        "choice_default": functools.partial(_default, platform, use_case),
        # `when: "{{ choice_is_open('event_source') }}"`: asked only when more than one value fits
        "choice_is_open": lambda question: variants.asked(question, platform, use_case),
        # Not asked because one value fits; recorded by the answers file, shown after the copy.
        "fixed_choices": variants.fixed_choices(platform, use_case, event_source),
        "project_texts": variants.project_texts(use_case, event_source, answers.get("signature_scheme", "")),
        # The after-copy summary: the choices that decide the files, in the order asked.
        "case_title": variants.case_title(platform, use_case),
        "chosen_summary": variants.Chosen.of(answers).summary(),
        "release_note": versions.release_note,
        "update_outcome": versions.update_outcome,
    }


def recorded_answers(conf: Any) -> dict[str, Any]:
    """The answers file already in the destination (an update or a copy over a project), or {}."""
    destination = conf.get("dst_path")
    if not destination:
        # A Jinja context rendered outside a copy or update (a nested include, a test) has no destination.
        return {}
    path = Path(str(destination)) / str(conf.get("answers_file") or ".copier-answers.yml")
    try:
        return _answers_file(str(path), path.stat().st_mtime_ns)
    except OSError:
        return {}


@functools.lru_cache(maxsize=8)
def _answers_file(path: str, mtime_ns: int) -> dict[str, Any]:
    """One read per version of the file: the hook runs for every Jinja context."""
    try:
        recorded = yaml.safe_load(Path(path).read_text())
    except (OSError, yaml.YAMLError):
        return {}
    return recorded if isinstance(recorded, dict) else {}


def recorded_language(conf: Any) -> str:
    """The language of the project being updated ("" on a first copy); before the question, JavaScript."""
    recorded = recorded_answers(conf)
    return str(recorded.get("language") or "javascript") if recorded else ""


def language_switch(given: dict[str, Any], recorded: dict[str, Any]) -> list[str]:
    """An update that changes `language` would leave half a repo in each language: refused."""
    if "language" not in given or not recorded:
        return []
    # Projects made before the question existed are JavaScript.
    before = recorded.get("language", "javascript")
    if given["language"] == before:
        return []
    return [
        f"language: this project is written in {before}; an update cannot rewrite it in {given['language']}. "
        f"Render a new project with language={given['language']} and move your code over (README: Updating)."
    ]


def _language_kept(recorded: str, value: str) -> str:
    """The update screen's reason to disable the language the project is not written in."""
    return f"this repo is {recorded}; an update keeps it" if recorded and value != recorded else ""


def _refusal(platform: str, use_case: str, question: str, value: str) -> str:
    return variants.screen_reason(question, value, platform, use_case)


def _answer_problem(answers: dict[str, Any], question: str, value: Any) -> str:
    return answer_rules.problem(question, value, {**answers, question: value})


def _default(platform: str, use_case: str, question: str) -> str:
    return variants.default(question, platform, use_case)


# ------------------------------------------------------ Claude Code and checklist --
def claude_code_context(answers: dict[str, Any], platform: str, slug: str) -> dict[str, Any]:
    """Checklist rows and labels (hooks/labels.py), the Claude Code policy (hooks/claude_policy.py)
    and the exact deploy/delete commands."""
    region = answers.get("aws_region", "eu-west-1")
    is_lambda = platform == "lambda"
    stack_name = f"{slug}-dev"
    return {
        "checklist_rows": [{"id": row_id, "title": title} for row_id, title in labels.CHECKLIST_ROWS],
        "permissions": claude_policy.permission_lists(
            platform, mcp_servers.mcp_context(answers, platform, dict(pins.load().raw["pypi"]))["mcp_deny_rules"], str(answers.get("language") or "javascript")
        ),
        "sandbox_settings": claude_policy.sandbox_settings(),
        "guard_policy": claude_policy.guard_policy(),
        "headless_review_tools": claude_policy.headless_review_tools(),
        "stack_name": stack_name,
        "deploy_command": "npm run deploy:dev" if is_lambda else "npm run deploy",
        "stack_delete_command": f"sam delete --stack-name {stack_name} --region {region}" if is_lambda else f"npx wrangler delete --name {slug}",
        "event_source_label": labels.EVENT_SOURCE_LABELS.get(answers.get("event_source", ""), ""),
        "store_label": labels.STORE_LABELS.get(answers.get("idempotency_store", ""), ""),
    }


# ------------------------------------------------------------- fixtures --
def request_fixtures(answers: dict[str, Any], platform: str, use_case: str, event_source: str, auth: str) -> dict[str, dict[str, Any]]:
    """The request fixtures of events/ (hooks/fixtures.py), by file name, for the templates."""
    try:
        max_body_kb = int(answers.get("max_body_kb") or 64)
    except (TypeError, ValueError):  # not answered yet, or refused by its validator
        max_body_kb = 64
    scheme = answers.get("signature_scheme", "")
    found = fixtures.request_fixtures(platform, use_case, event_source, auth, scheme, max_body_kb)
    return {name: request.as_context() for name, request in found.items()}


# ---------------------------------------------------------------- Workers --
def workers_context(answers: dict[str, Any], platform: str, use_case: str, event_source: str, slug: str) -> dict[str, Any]:
    """Which Workers bindings exist (stores, R2, Queues, cron) and their names."""
    is_workers = platform == "workers"
    store = answers.get("idempotency_store", "") if is_workers and use_case != "edge_redirect" else ""
    queue_name = f"{slug}-r2-events" if event_source == "r2_notification" else f"{slug}-messages"
    consumes_queue = is_workers and event_source in {"queue", "r2_notification"}
    return {
        "workers_store": store,
        "store_warning": labels.STORE_WARNINGS.get(store, ""),
        "uses_r2": is_workers and use_case == "file_import",
        "r2_bucket_name": f"{slug}-files",
        "consumes_queue": consumes_queue,
        "queue_name": queue_name if consumes_queue else "",
        "dead_letter_queue_name": f"{queue_name}-dlq" if consumes_queue else "",
        # file_import sweeps R2 every 15 minutes; a D1 store purges expired rows nightly.
        "cron_schedule": "*/15 * * * *" if is_workers and event_source == "cron" else ("17 3 * * *" if store == "d1" else ""),
        "d1_database_name": f"{slug}-idempotency",
    }


# ------------------------------------------------------------- Lambda use cases --
def lambda_use_case_context(answers: dict[str, Any], platform: str, use_case: str, event_source: str) -> dict[str, Any]:
    """Which Lambda pieces exist for the use case: function URL, queues, bucket, secrets."""
    is_lambda = platform == "lambda"
    return {
        "is_function_url": is_lambda and event_source == "function_url",
        "is_http_api": is_lambda and event_source == "http_api",
        # Async sources and SQS hand-offs get a dead-letter queue in template.yaml.
        "has_dead_letter_queue": is_lambda and use_case in {"file_import", "queue_consumer"},
        "md5_hex": lambda text: hashlib.md5(text.encode()).hexdigest(),  # SQS md5OfBody in fixtures
    }


# ------------------------------------------------------------- rate limits --
def rate_limit_context(platform: str, use_case: str, event_source: str, slug: str) -> dict[str, Any]:
    """Whether the Worker gets the Rate Limiting binding, and the default of its namespace id.

    Every Worker that answers HTTP does: the APIs, webhooks and uploads, and the redirects.
    The namespace id names the counters in the Cloudflare account, so two Workers with one
    id would share them: the default is derived from the slug, which differs per Worker.
    """
    digest = int.from_bytes(hashlib.sha256(slug.encode()).digest()[:4], "big")
    return {
        "has_rate_limiter": variants.has_rate_limiter(platform, use_case, event_source),
        "rate_limit_namespace_default": 100_000 + digest % 900_000,
    }


#: Answer values a cache key can hold (Copier answers are scalars).
_SCALARS = (str, int, float, bool, type(None), datetime.date)
#: copier.yml's question names, in order: the only context values :func:`derive` reads.
_QUESTIONS: tuple[str, ...] = tuple(given_answers.questions())
_UNANSWERED = object()


def answers_key(context: dict[str, Any]) -> tuple[tuple[str, Any], ...]:
    """The answers in ``context``, as the memo's key: (question, answer) in copier.yml's order.

    Only the questions are looked at, not the whole context: a context also holds Copier's
    `_copier_*` values and, inside an imported macro or an included file, the derived values
    themselves, which would make the same answers a second key. Looking up the ~25 names is
    also ten times cheaper than sorting the ~150 entries of a context, and the hook builds
    this key for every one of the ~1 800 contexts of a copy.
    """
    return tuple(
        (name, value) for name in _QUESTIONS if (value := context.get(name, _UNANSWERED)) is not _UNANSWERED and isinstance(value, _SCALARS)
    )


@functools.lru_cache(maxsize=64)
def _derive_once(answers: tuple[tuple[str, Any], ...]) -> dict[str, Any]:
    return derive(dict(answers))


class DerivedContext(ContextHook):
    """Copier context hook: adds :func:`derive`'s values to every render.

    Copier builds a Jinja context for every file, path part, default and validator, so
    the values are computed once per set of answers. :func:`derive` reads answers only
    (never Copier's `_copier_*` values), which makes the answers the cache key
    (:func:`answers_key`).

    While the questions are answered it also checks the `--data`/`--data-file` answers
    (:mod:`given_answers`) and stops with Copier's own user error when one is refused.
    """

    def hook(self, context: dict[str, Any]) -> None:
        key = answers_key(context)
        if getattr(context.get("_copier_phase"), "value", None) == "prompt":
            self.refuse_bad_given_answers(context)
        context.update(_derive_once(key))
        # `validator: "{{ language_kept('typescript') }}"`: read from the destination, not the answers.
        recorded = recorded_language(context["_copier_conf"]) if "_copier_conf" in context else ""
        context["language_kept"] = functools.partial(_language_kept, recorded)

    def refuse_bad_given_answers(self, context: dict[str, Any]) -> None:
        conf = context["_copier_conf"]
        given = {name: value for name, value in dict(conf["data"] or {}).items() if not str(name).startswith("_")}
        if not given:
            return
        earlier = {name: context[name] for name in given_answers.questions() if name in context and name not in given}
        found = [*language_switch(given, recorded_answers(conf)), *self._problems(_frozen(given), _frozen(earlier), bool(conf["defaults"]))]
        if found:
            raise UserMessageError(
                "copier-serverless cannot use these answers (--data, --data-file); nothing was written:\n"
                + "\n".join(f"  {line}" for line in found)
            )

    @functools.lru_cache(maxsize=32)  # noqa: B019 - one hook object per Copier run
    def _problems(self, given: str, earlier: str, defaults: bool) -> tuple[str, ...]:
        return tuple(
            given_answers.problems(
                json.loads(given),
                json.loads(earlier),
                refusal=lambda question, value, answers: variants.refusal(
                    question, value, answers.get("platform", "lambda"), answers.get("use_case", "json_api")
                ),
                rule=lambda question, value, answers: answer_rules.refusal(question, value, answers),
                allowed=answer_rules.allowed,
                default=self._default,
                applies=self._applies,
                defaults=defaults,
            )
        )

    def _default(self, question: str, spec: dict[str, Any], answers: dict[str, Any]) -> Any:
        """A question's default as far as the checks need it: the catalogue's or a plain value."""
        if question in given_answers.CATALOGUE_CHOICES:
            return variants.default(question, answers.get("platform", "lambda"), answers.get("use_case", "json_api"))
        value = spec.get("default")
        return None if isinstance(value, str) and "{" in value else value

    def _applies(self, spec: dict[str, Any], answers: dict[str, Any]) -> bool:
        """A question's `when`, rendered with these answers and their derived values."""
        when = spec.get("when", True)
        if isinstance(when, bool):
            return when
        rendered = self.environment.from_string(str(when)).render({**answers, **derive(answers)})
        return rendered.strip().lower() in {"true", "yes", "1", "on"}


def _frozen(answers: dict[str, Any]) -> str:
    """A cache key for answers (YAML answer files may hold dates and lists)."""
    return json.dumps(answers, sort_keys=True, default=str)
