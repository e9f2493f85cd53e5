// The HTTP pipeline shared by every platform: (authenticate) → route → body checks →
// validation → idempotency → handler. Each step answers with its own status and
// error code, and an unexpected exception becomes a 500 problem detail without a stack trace.
import { createBudget, type Budget } from './deadline.ts';
import { sha256Hex } from './digest.ts';
import { correlationIdFrom, errorResponse, jsonResponse, type HttpRequest, type HttpResponse } from './http.ts';
import { fingerprintOf, isValidKey, nowSeconds, runOnce, type IdempotencyStore } from './idempotency.ts';
import { KEY_RULE, parseIdempotencyKey } from './idempotency-key.ts';
import { readJsonBody } from './json-body.ts';
import { describeError, type Logger } from './logger.ts';

/** The config fields the pipeline reads. */
export interface ApiConfig {
  maxBodyBytes: number;
  idempotencyTtlSeconds: number;
  leaseSeconds: number;
  storeTimeoutMs?: number;
}

export type FieldError = { field: string; message: string };

/** What a route's validate() returns: only the known fields, or what is wrong. */
export type Validation = { value: unknown; errors?: undefined } | { errors: FieldError[]; value?: undefined };

export type BodyRead = { value: unknown; response?: undefined } | { response: HttpResponse; value?: undefined };
export type BodyReader = (request: HttpRequest, config: ApiConfig) => BodyRead;

/** What a route's handle() gets. `input` is what validate() returned (the body without one). */
export interface RouteContext {
  input: unknown;
  request: HttpRequest;
  log: Logger;
  /** idempotent routes: the key to pass on to the side effect */
  idempotencyKey?: string;
}

/** validate() and handle() are methods so a route can type its own input. */
export type Route = {
  method: string;
  path: string;
  body?: 'json' | BodyReader;
  idempotent?: boolean;
  validate?(input: unknown): Validation;
  idempotencyKey?(request: HttpRequest): string | undefined;
  handle(context: RouteContext): Promise<HttpResponse>;
};

export type Api = (request: HttpRequest, options?: { requestId?: string; deadlineAt?: number }) => Promise<HttpResponse>;

/** Refuses (the response) or accepts (null) a request, naming its caller in `request.caller`. */
export type Authenticate = (request: HttpRequest, context: { log: Logger; budget: Budget }) => Promise<HttpResponse | null>;

/** what the request's log line reports */
export type Outcome = { route: string; idempotency?: string };

/** What every step of one request can use. */
export interface Pipeline {
  routes: Route[];
  store: IdempotencyStore;
  config: ApiConfig;
  log: Logger;
  authenticate?: Authenticate;
  outcome: Outcome;
  now: () => number;
  budget: Budget;
}

/** Without an authenticated caller (auth none) every request shares this one key space. */
export const PUBLIC_CALLER = 'public';

export function createApi({ routes, store, config, logger, authenticate, now = nowSeconds }: {
  routes: Route[];
  /** claim / complete / release */
  store: IdempotencyStore;
  config: ApiConfig;
  /** from createLogger() */
  logger: Logger;
  /** runs first and names the caller in `request.caller` (scopes its idempotency keys) */
  authenticate?: Authenticate;
  /** clock in epoch seconds (tests move it to expire records) */
  now?: () => number;
}): Api {
  return async function handle(request, { requestId = crypto.randomUUID(), deadlineAt = Date.now() + 10_000 } = {}) {
    const startedAt = Date.now();
    const correlationId = correlationIdFrom(request.headers, requestId);
    const log = logger.child({ correlationId });
    const outcome: Outcome = { route: 'unmatched' };
    const budget = createBudget({ deadlineAt, callTimeoutMs: config.storeTimeoutMs ?? 3000 });
    let response: HttpResponse;
    try {
      response = await dispatch(request, { routes, store, config, log, authenticate, outcome, now, budget });
    } catch (error) {
      log.error('unhandled error', { error: describeError(error, { withStack: true }) });
      response = errorResponse(500, 'internal_error', 'The request failed; it is safe to retry with the same Idempotency-Key.');
    }
    response.headers = { ...response.headers, 'x-correlation-id': correlationId };
    log.info('request completed', {
      route: outcome.route,
      method: request.method,
      status: response.status,
      durationMs: Date.now() - startedAt,
      ...(outcome.idempotency ? { idempotency: outcome.idempotency } : {}),
    });
    return response;
  };
}

async function dispatch(request: HttpRequest, { routes, store, config, log, authenticate, outcome, now, budget }: Pipeline): Promise<HttpResponse> {
  // Matched before the caller is checked, so the log line of a refused request names its
  // route; the answer still comes from authentication first.
  const matched = matchRoute(routes, request.method, request.path);
  if (matched.route) outcome.route = `${matched.route.method} ${matched.route.path}`;
  if (authenticate) {
    const refusal = await authenticate(request, { log, budget });
    if (refusal) return refusal;
  }
  if (matched.response) return matched.response;
  const { route } = matched;

  let body: unknown;
  let input: unknown;
  if (route.body) {
    // 'json', or a reader of the same shape for other media types (e.g. a CSV upload).
    const read = route.body === 'json' ? readJsonBody(request, config) : route.body(request, config);
    if (read.response) return read.response;
    body = input = read.value;
  }
  if (route.validate) {
    const validation = route.validate(input);
    if (validation.errors) {
      return errorResponse(400, 'invalid_input', 'The body failed validation.', { details: validation.errors });
    }
    input = validation.value;
  }

  if (!route.idempotent) return route.handle({ input, request, log });
  const key = idempotencyKeyOf(route, request);
  if (key.response) return key.response;
  return runIdempotently({ route, request, input, body, key: key.value, store, config, log, outcome, now, budget });
}

/** The Idempotency-Key header (a Structured Field string), or the route's own key (a webhook's event id). */
function idempotencyKeyOf(route: Route, request: HttpRequest): { value: string; response?: undefined } | { response: HttpResponse; value?: undefined } {
  if (route.idempotencyKey) {
    const key = route.idempotencyKey(request);
    if (key === undefined || key === '') {
      // Signed, but nothing names the event: without an id a redelivery could not be recognised.
      return { response: errorResponse(400, 'missing_event_id', 'The delivery carries no event id, so a redelivery could not be recognised.') };
    }
    return isValidKey(key) ? { value: key } : { response: errorResponse(400, 'invalid_idempotency_key', 'The request id must be 1-255 printable ASCII characters without spaces.') };
  }
  const parsed = parseIdempotencyKey(request.headers['idempotency-key']);
  if (parsed.missing) {
    return { response: errorResponse(400, 'idempotency_key_missing', `Send an Idempotency-Key header with every mutating request. ${KEY_RULE}`) };
  }
  if (parsed.invalid) return { response: errorResponse(400, 'invalid_idempotency_key', KEY_RULE) };
  return { value: parsed.key };
}

async function runIdempotently({ route, request, input, body, key, store, config, log, outcome, now, budget }: Omit<Pipeline, 'routes' | 'authenticate'> & { route: Route; request: HttpRequest; input: unknown; body: unknown; key: string }): Promise<HttpResponse> {
  // Scoped to the caller: another caller's equal key is another request, never this one's replay.
  const recordKey = `${await callerDigest(request.caller ?? PUBLIC_CALLER)} ${route.method} ${route.path} ${key}`;
  // What the side effect passes on (SQS MessageDeduplicationId, a provider's Idempotency-Key):
  // the same for every retry of this request by this caller, and nobody else's.
  const idempotencyKey = await sha256Hex(recordKey);
  // The fingerprint covers the whole body as sent (canonical JSON), not only the fields validation kept.
  const fingerprint = await fingerprintOf(request.method, route.path, body ?? null);
  const result = await runOnce({
    store,
    key: recordKey,
    fingerprint,
    ttlSeconds: config.idempotencyTtlSeconds,
    leaseSeconds: config.leaseSeconds,
    log,
    now,
    budget,
    execute: async (): Promise<HttpResponse & { retryable?: true }> => {
      const response = await route.handle({ input, request, log, idempotencyKey });
      // 5xx answers are not stored: the caller is meant to retry and get a real answer.
      return response.status >= 500 ? { ...response, retryable: true } : response;
    },
    tooLarge: statusOnly,
  });
  outcome.idempotency = result.kind;
  switch (result.kind) {
    case 'unavailable':
      return errorResponse(503, 'idempotency_store_unavailable', 'Cannot guarantee exactly-once handling right now; retry later with the same Idempotency-Key.', {}, { 'retry-after': '1' });
    case 'conflict':
      return errorResponse(422, 'idempotency_key_reused', 'This Idempotency-Key was already used with a different request.');
    case 'in_progress':
      return errorResponse(409, 'request_in_progress', 'A request with this Idempotency-Key is still running.', {}, {
        'retry-after': String(result.retryAfterSeconds),
      });
    case 'replayed':
      return { status: result.result.status, headers: { ...result.result.headers, 'idempotent-replayed': 'true' }, body: result.result.body };
    default: {
      const { retryable, ...response } = result.result;
      return response;
    }
  }
}

/**
 * What a repeat sees when the first response was too large to store.
 * @param limit bytes (set whenever a response can be too large)
 */
function statusOnly(response: HttpResponse, limit: number | undefined): HttpResponse {
  return jsonResponse(response.status, {
    status: response.status,
    bodyStored: false,
    detail: `The first response to this Idempotency-Key was larger than the idempotency store keeps (${limit} bytes), so only its status was recorded. The request was not run again.`,
  });
}

// A function has few callers (IAM roles, API keys, one public key space) and each sends
// many requests: their digests are kept rather than hashed again on every request.
const callerDigests: Map<string, string> = new Map();
const MAX_CALLER_DIGESTS = 1000;

/** The first 32 hex characters of SHA-256 of the caller, as the record key's prefix. */
async function callerDigest(caller: string): Promise<string> {
  let digest = callerDigests.get(caller);
  if (digest === undefined) {
    digest = (await sha256Hex(caller)).slice(0, 32);
    // Bounded: a flood of distinct callers (forged API keys are refused before this) cannot grow it.
    if (callerDigests.size >= MAX_CALLER_DIGESTS) callerDigests.clear();
    callerDigests.set(caller, digest);
  }
  return digest;
}

function matchRoute(routes: Route[], method: string, path: string): { route: Route; response?: undefined } | { response: HttpResponse; route?: undefined } {
  const samePath = routes.filter((route) => route.path === path);
  if (samePath.length === 0) {
    return { response: errorResponse(404, 'not_found', `No route for ${path}.`) };
  }
  const route = samePath.find((candidate) => candidate.method === method);
  if (!route) {
    const allow = samePath.map((candidate) => candidate.method).join(', ');
    return {
      response: errorResponse(405, 'method_not_allowed', `Use ${allow} on ${path}.`, {}, { allow }),
    };
  }
  return { route };
}
