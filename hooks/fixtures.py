"""The request fixtures in events/, each described once for both platforms.

A fixture here is what a client sends (method, path, headers, body) and what it must get
back (status, the problem's stable ``error`` code). The templates render it in the
platform's own shape: an API Gateway HTTP API v2 event on Lambda
(``template/_macros/http_event.jinja``), the request ``npm run invoke`` sends with fetch()
on Workers (``template/_macros/worker_request.jinja``). The generated fixture tests take
their expectations from here too, so a fixture and its expected answer cannot drift apart
between the platforms.

Webhook deliveries carry a :class:`Sign` instead of signature headers: the generated
``scripts/webhook-fixtures.mjs`` signs them when they are sent, with the fake local
secrets, because a signature made at render time would be outside the provider's time
window a few minutes later.

Plain data and small pure functions, read by the context hook (``request_fixtures``).
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Sign:
    """How ``scripts/webhook-fixtures.mjs`` signs a delivery when it is sent."""

    #: Which fake local secret signs: "current", "previous" (being rotated out) or "wrong".
    secret: str
    #: The signature's timestamp, in seconds from the moment of sending.
    offset_seconds: int
    event_id: str
    #: The body the signature covers, when the delivery sends another one (tampered).
    signed_body: str | None = None

    def as_json(self) -> dict[str, Any]:
        block: dict[str, Any] = {"secret": self.secret, "offsetSeconds": self.offset_seconds, "eventId": self.event_id}
        if self.signed_body is not None:
            block["signedBody"] = self.signed_body
        return block


@dataclass(frozen=True)
class Request:
    """One HTTP fixture: events/<name>, what it sends and what it gets."""

    name: str
    method: str
    path: str
    #: What the client sets; each platform adds its transport's own (host, user agent, …).
    headers: Mapping[str, str] = field(default_factory=dict)
    body: str | None = None
    status: int = 200
    #: The problem detail's stable `error` member, for refusals.
    error: str = ""
    #: A fixture that only means something after another one was sent (same store).
    after: str = ""
    sign: Sign | None = None
    #: Lambda only: API Gateway delivers the body base64-encoded (binary media types).
    base64: bool = False
    #: The platforms that have this fixture.
    platforms: tuple[str, ...] = ("lambda", "workers")

    @property
    def request_id(self) -> str:
        """The id the platform gives the request (API Gateway's requestId), one per fixture."""
        return str(uuid.uuid5(_REQUEST_IDS, self.name))

    def as_context(self) -> dict[str, Any]:
        """What the templates read: plain values only."""
        return {
            "name": self.name,
            "method": self.method,
            "path": self.path,
            "headers": dict(self.headers),
            "body": self.body,
            "status": self.status,
            "error": self.error,
            "after": self.after,
            "sign": self.sign.as_json() if self.sign else None,
            "base64": self.base64,
            "request_id": self.request_id,
        }


_REQUEST_IDS = uuid.UUID("0d5b7f7e-3c1a-4f4e-9b6e-2a4f6c8e0b1d")
_JSON = {"content-type": "application/json"}
#: The example order, as a client sends it.
ORDER = '{"amount":1299,"currency":"EUR"}'
#: The key of the first order; post-order.json sends it quoted (a Structured Field string),
#: the same-key fixture bare, which is the same key.
ORDER_KEY = "6f1c9a7e-2b3d-4e5f-8a9b-0c1d2e3f4a5b"


# --------------------------------------------------------------- json_api --
def order_requests(max_body_kb: int, auth: str) -> tuple[Request, ...]:
    """The orders API's fixtures; ``auth`` is the effective authentication ("" when none)."""
    requests = [
        Request("post-order.json", "POST", "/orders", {**_JSON, "idempotency-key": f'"{ORDER_KEY}"', "x-correlation-id": "checkout-7f3a"}, ORDER, 202),
        Request(
            "post-order-same-key-other-amount.json", "POST", "/orders", {**_JSON, "idempotency-key": ORDER_KEY},
            '{"amount":4999,"currency":"EUR"}', 422, "idempotency_key_reused", after="post-order.json",
        ),
        Request(
            "post-order-base64.json", "POST", "/orders",
            {"content-type": "application/json; charset=utf-8", "idempotency-key": "9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d"},
            '{"amount":500,"currency":"USD"}', 202, base64=True, platforms=("lambda",),
        ),
        Request("post-order-missing-key.json", "POST", "/orders", _JSON, ORDER, 400, "idempotency_key_missing"),
        # Cut off mid-value, as a dropped upload arrives.
        Request(
            "post-order-bad-json.json", "POST", "/orders", {**_JSON, "idempotency-key": "0b8e4c7a-1f2d-4a3b-9c5d-6e7f8a9b0c1d"},
            '{"amount":1299,"currency":', 400, "invalid_json",
        ),
        Request(
            "post-order-invalid-input.json", "POST", "/orders", {**_JSON, "idempotency-key": "7d2a9f1e-3c4b-4d5e-8f6a-7b8c9d0e1f2a"},
            '{"amount":-5,"currency":"euro"}', 400, "invalid_input",
        ),
        Request(
            "post-order-wrong-content-type.json", "POST", "/orders",
            {"content-type": "text/plain", "idempotency-key": "1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d"}, "amount=1299&currency=EUR", 415,
            "unsupported_media_type",
        ),
        Request(
            "post-order-too-large.json", "POST", "/orders", {**_JSON, "idempotency-key": "e4a6b8c0-3d5f-4b7a-8c9e-1a2b3c4d5e6f"},
            '{"amount":1299,"currency":"EUR","note":"' + "x" * (max_body_kb * 1024) + '"}', 413, "payload_too_large",
        ),
        Request("get-health.json", "GET", "/health"),
        Request("get-unknown-route.json", "GET", "/does-not-exist", status=404, error="not_found"),
        Request("delete-orders-wrong-method.json", "DELETE", "/orders", status=405, error="method_not_allowed"),
    ]
    if auth == "api_key":
        requests.append(Request("get-health-wrong-api-key.json", "GET", "/health", {"x-api-key": "not-a-valid-key"}, status=401, error="unauthorized"))
    return tuple(requests)


# ------------------------------------------------------- file_import uploads --
_CSV = {"content-type": "text/csv"}


def upload_requests(auth: str) -> tuple[Request, ...]:
    """The CSV upload endpoint's fixtures (Workers: file_import over fetch)."""
    workers = ("workers",)
    requests = [
        Request(
            "post-import.json", "POST", "/imports", {**_CSV, "idempotency-key": "3a9f1c2e-5b7d-4e8f-a1b2-c3d4e5f6a7b8", "x-correlation-id": "nightly-export-42"},
            "invoiceId,amount,currency\ninv_1001,1299,EUR\ninv_1002,500,USD\n", 202, platforms=workers,
        ),
        Request("post-import-missing-key.json", "POST", "/imports", _CSV, "invoiceId,amount,currency\ninv_1001,1299,EUR\n", 400, "idempotency_key_missing", platforms=workers),
        Request(
            "post-import-ragged-rows.json", "POST", "/imports", {**_CSV, "idempotency-key": "5c1b3e4a-7d9f-4a0b-c3d4-e5f6a7b8c9d0"},
            "invoiceId,amount,currency\ninv_1001,1299\n", 400, "invalid_input", platforms=workers,
        ),
        Request(
            "post-import-wrong-content-type.json", "POST", "/imports", {**_JSON, "idempotency-key": "4b0a2d3f-6c8e-4f9a-b2c3-d4e5f6a7b8c9"},
            '{"invoiceId":"inv_1001"}', 415, "unsupported_media_type", platforms=workers,
        ),
        Request("get-imports-wrong-method.json", "GET", "/imports", status=405, error="method_not_allowed", platforms=workers),
    ]
    if auth == "api_key":
        requests.append(Request(
            "post-import-wrong-api-key.json", "POST", "/imports",
            {**_CSV, "idempotency-key": "6d2c4f5b-8e0a-4b1c-d4e5-f6a7b8c9d0e1", "x-api-key": "not-a-valid-key"},
            "invoiceId,amount,currency\ninv_1001,1299,EUR\n", 401, "unauthorized", platforms=workers,
        ))
    return tuple(requests)


# ---------------------------------------------------------------- webhook --
@dataclass(frozen=True)
class Provider:
    """What a provider's deliveries look like, per signature scheme."""

    headers: Mapping[str, str]
    #: The body of an event with this id.
    body: Any
    #: Event ids per delivery: opaque, in the provider's format, one per fixture.
    event_ids: Mapping[str, str]
    #: GitHub signs no timestamp, so it has no expired or early deliveries.
    signs_time: bool = True
    #: The event id travels in a header even without a signature (GitHub's X-GitHub-Delivery).
    id_header: str = ""


def _suffixed(prefix: str) -> dict[str, str]:
    suffixes = {"valid": "bN6yHcE1", "rotated": "cP7zJdF2", "tampered": "dQ8aKeG3", "wrong": "eR9bLfH4", "unsigned": "fS0cMgJ5", "badjson": "gT1dNhK6", "expired": "hU2eOiL7", "future": "iV3fPjM8"}
    return {variant: prefix + suffix for variant, suffix in suffixes.items()}


_INVOICE = '{"type":"invoice.paid","timestamp":"2026-11-23T09:59:55Z","data":{"invoiceId":"inv_1042","amount":1299,"currency":"EUR"}}'
_PULL_REQUEST = '{"action":"opened","number":42,"pull_request":{"title":"Add refunds"},"repository":{"full_name":"example/shop"},"sender":{"login":"octocat"}}'
#: When the example events were created (2026-11-23T09:59:55Z): Stripe puts it in the body.
CREATED_AT = 1795427995

PROVIDERS: dict[str, Provider] = {
    "standard_webhooks": Provider({"user-agent": "Svix-Webhooks/1.62.0"}, lambda event_id: _INVOICE, _suffixed("msg_2p8Lk3vQwX9mZr4T")),
    "stripe": Provider(
        {"user-agent": "Stripe/1.0 (+https://stripe.com/docs/webhooks)"},
        lambda event_id: (
            '{"id":"' + event_id + '","object":"event","type":"payment_intent.succeeded","created":' + str(CREATED_AT)
            + ',"data":{"object":{"id":"pi_3QxA2bC3dE4fG5hI","object":"payment_intent","amount":1299,"currency":"eur"}}}'
        ),
        _suffixed("evt_1QxA2bC3dE4fG5"),
    ),
    "github": Provider(
        {"user-agent": "GitHub-Hookshot/5c1f2e9", "x-github-event": "pull_request", "x-github-hook-id": "512345678"},
        lambda event_id: _PULL_REQUEST,
        {variant: f"6b1f3c2e-8a4d-11ef-9c3b-2f1d7e6a5b{number}" for variant, number in
         {"valid": "40", "rotated": "41", "wrong": "42", "badjson": "43", "tampered": "44", "unsigned": "45"}.items()},
        signs_time=False,
        id_header="x-github-delivery",
    ),
}

#: A signature this far outside the 5-minute window (twice it) stays outside on a slow machine.
OUTSIDE_WINDOW_SECONDS = 600
#: A real sender signs just before sending.
SIGNED_BEFORE_SENDING_SECONDS = -5


def webhook_deliveries(scheme: str) -> tuple[Request, ...]:
    """The webhook's fixtures for ``scheme``: signed when sent, by scripts/webhook-fixtures.mjs."""
    provider = PROVIDERS[scheme]

    def delivery(name: str, variant: str, status: int, error: str = "", *, secret: str | None = "current",
                 offset: int = SIGNED_BEFORE_SENDING_SECONDS, tamper: bool = False, body: str | None = None) -> Request:
        event_id = provider.event_ids[variant]
        signed = body if body is not None else provider.body(event_id)
        # An attacker changes the amount (on GitHub, the action) after it was signed.
        sent = signed.replace("1299", "1").replace('"opened"', '"closed"') if tamper else signed
        headers = {**_JSON, **provider.headers}
        if secret is None and provider.id_header:
            headers[provider.id_header] = event_id
        sign = Sign(secret, offset, event_id, signed if tamper else None) if secret else None
        return Request(name, "POST", "/webhook", headers, sent, status, error, sign=sign)

    deliveries = [
        delivery("delivery-valid.json", "valid", 200),
        delivery("delivery-rotated-secret.json", "rotated", 200, secret="previous"),
        delivery("delivery-tampered-body.json", "tampered", 401, "unauthorized", tamper=True),
        delivery("delivery-wrong-secret.json", "wrong", 401, "unauthorized", secret="wrong"),
        delivery("delivery-missing-signature.json", "unsigned", 401, "unauthorized", secret=None),
        delivery("delivery-bad-json.json", "badjson", 400, "invalid_json", body='{"type":"invoice.paid",'),
    ]
    if provider.signs_time:
        deliveries += [
            delivery("delivery-expired.json", "expired", 401, "unauthorized", offset=-OUTSIDE_WINDOW_SECONDS),
            delivery("delivery-future.json", "future", 401, "unauthorized", offset=OUTSIDE_WINDOW_SECONDS),
        ]
    return tuple(deliveries)


# ----------------------------------------------------------- stored objects --
@dataclass(frozen=True)
class StoredObject:
    """An object-created fixture: the upload that an S3 event (Lambda) or an R2 event
    notification on the queue (Workers) reports."""

    name: str
    key: str
    size: int
    etag: str
    #: Workers only: the id of the queue message that carries the notification.
    message_id: str

    def as_context(self) -> dict[str, Any]:
        return {"name": self.name, "key": self.key, "size": self.size, "etag": self.etag, "message_id": self.message_id}


#: The nightly export the file_import examples read; 61 bytes, the CSV the fixture tests store.
UPLOADS = (
    StoredObject("object-created.json", "incoming/invoices-2026-11-23.csv", 61, "8f2c6d1e9a4b7c3d5e0f1a2b3c4d5e6f", "1e7a5f6b-4c8d-4e9f-a0b1-2c3d4e5f6a7b"),
)


def object_fixtures(event_source: str) -> dict[str, StoredObject]:
    """The object-created fixtures a repo reading uploads (S3, R2 notifications) ships, by file name."""
    return {upload.name: upload for upload in UPLOADS} if event_source in {"s3", "r2_notification"} else {}


# ---------------------------------------------------------- per answer set --
def request_fixtures(platform: str, use_case: str, event_source: str, auth: str, scheme: str, max_body_kb: int) -> dict[str, Request]:
    """The request fixtures a repo with these answers ships, by file name."""
    if use_case == "json_api":
        found = order_requests(max_body_kb, auth)
    elif use_case == "webhook":
        found = webhook_deliveries(scheme or "standard_webhooks")
    elif use_case == "file_import" and event_source == "fetch":
        found = upload_requests(auth)
    else:
        found = ()
    return {request.name: request for request in found if platform in request.platforms}
