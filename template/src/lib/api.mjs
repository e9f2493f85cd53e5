// The HTTP pipeline shared by every platform: (authenticate) → route → body checks →
// validation → idempotency → handler. Each step answers with its own status and
// error code, and an unexpected exception becomes a 500 problem detail without a stack trace.
import { createBudget } from './deadline.mjs';
import { sha256Hex } from './digest.mjs';
import { correlationIdFrom, errorResponse, jsonResponse } from './http.mjs';
import { fingerprintOf, isValidKey, nowSeconds, runOnce } from './idempotency.mjs';
import { KEY_RULE, parseIdempotencyKey } from './idempotency-key.mjs';
import { readJsonBody } from './json-body.mjs';
import { describeError } from './logger.mjs';

/**
 * The config fields the pipeline reads.
 * @typedef {object} ApiConfig
 * @property {number} maxBodyBytes
 * @property {number} idempotencyTtlSeconds
 * @property {number} leaseSeconds
 * @property {number} [storeTimeoutMs]
 */

/** @typedef { { field: string, message: string } } FieldError */

/**
 * What a route's validate() returns: only the known fields, or what is wrong.
 * @typedef { { value: unknown, errors?: undefined } | { errors: FieldError[], value?: undefined } } Validation
 */

/** @typedef { { value: unknown, response?: undefined } | { response: import('./http.mjs').HttpResponse, value?: undefined } } BodyRead */
/** @typedef {(request: import('./http.mjs').HttpRequest, config: ApiConfig) => BodyRead} BodyReader */

/**
 * What a route's handle() gets. `input` is what validate() returned (the body without one).
 * @typedef {object} RouteContext
 * @property {unknown} input
 * @property {import('./http.mjs').HttpRequest} request
 * @property {import('./logger.mjs').Logger} log
 * @property {string} [idempotencyKey]  idempotent routes: the key to pass on to the side effect
 */

/**
 * validate() and handle() are methods so a route can type its own input.
 * @typedef { {
 *   method: string,
 *   path: string,
 *   body?: 'json' | BodyReader,
 *   idempotent?: boolean,
 *   validate?(input: unknown): Validation,
 *   idempotencyKey?(request: import('./http.mjs').HttpRequest): string | undefined,
 *   handle(context: RouteContext): Promise<import('./http.mjs').HttpResponse>,
 * } } Route
 */

/** @typedef {(request: import('./http.mjs').HttpRequest, options?: { requestId?: string, deadlineAt?: number }) => Promise<import('./http.mjs').HttpResponse>} Api */

/**
 * Refuses (the response) or accepts (null) a request, naming its caller in `request.caller`.
 * @typedef {(request: import('./http.mjs').HttpRequest, context: { log: import('./logger.mjs').Logger, budget: import('./deadline.mjs').Budget }) => Promise<import('./http.mjs').HttpResponse | null>} Authenticate
 */

/** @typedef { { route: string, idempotency?: string } } Outcome  what the request's log line reports */

/**
 * What every step of one request can use.
 * @typedef {object} Pipeline
 * @property {Route[]} routes
 * @property {import('./idempotency.mjs').IdempotencyStore} store
 * @property {ApiConfig} config
 * @property {import('./logger.mjs').Logger} log
 * @property {Authenticate} [authenticate]
 * @property {Outcome} outcome
 * @property {() => number} now
 * @property {import('./deadline.mjs').Budget} budget
 */

/** Without an authenticated caller (auth none) every request shares this one key space. */
export const PUBLIC_CALLER = 'public';

/**
 * @param {object} options
 * @param {Route[]} options.routes
 * @param {import('./idempotency.mjs').IdempotencyStore} options.store  claim / complete / release
 * @param {ApiConfig} options.config
 * @param {import('./logger.mjs').Logger} options.logger  from createLogger()
 * @param {Authenticate} [options.authenticate]  runs first and names the caller in `request.caller`
 *   (scopes its idempotency keys)
 * @param {() => number} [options.now]  clock in epoch seconds (tests move it to expire records)
 * @returns {Api}
 */
export function createApi({ routes, store, config, logger, authenticate, now = nowSeconds }) {
  return async function handle(request, { requestId = crypto.randomUUID(), deadlineAt = Date.now() + 10_000 } = {}) {
    const startedAt = Date.now();
    const correlationId = correlationIdFrom(request.headers, requestId);
    const log = logger.child({ correlationId });
    /** @type {Outcome} */
    const outcome = { route: 'unmatched' };
    const budget = createBudget({ deadlineAt, callTimeoutMs: config.storeTimeoutMs ?? 3000 });
    /** @type {import('./http.mjs').HttpResponse} */
    let response;
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

/**
 * @param {import('./http.mjs').HttpRequest} request
 * @param {Pipeline} pipeline
 * @returns {Promise<import('./http.mjs').HttpResponse>}
 */
async function dispatch(request, { routes, store, config, log, authenticate, outcome, now, budget }) {
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

  /** @type {unknown} */
  let body;
  /** @type {unknown} */
  let input;
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

/**
 * The Idempotency-Key header (a Structured Field string), or the route's own key (a webhook's event id).
 * @param {Route} route
 * @param {import('./http.mjs').HttpRequest} request
 * @returns { { value: string, response?: undefined } | { response: import('./http.mjs').HttpResponse, value?: undefined } }
 */
function idempotencyKeyOf(route, request) {
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

/**
 * @param {Omit<Pipeline, 'routes' | 'authenticate'> & { route: Route, request: import('./http.mjs').HttpRequest, input: unknown, body: unknown, key: string } } step
 * @returns {Promise<import('./http.mjs').HttpResponse>}
 */
async function runIdempotently({ route, request, input, body, key, store, config, log, outcome, now, budget }) {
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
    /** @returns {Promise<import('./http.mjs').HttpResponse & { retryable?: true }>} */
    execute: async () => {
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
 * @param {import('./http.mjs').HttpResponse} response
 * @param {number | undefined} limit  bytes (set whenever a response can be too large)
 * @returns {import('./http.mjs').HttpResponse}
 */
function statusOnly(response, limit) {
  return jsonResponse(response.status, {
    status: response.status,
    bodyStored: false,
    detail: `The first response to this Idempotency-Key was larger than the idempotency store keeps (${limit} bytes), so only its status was recorded. The request was not run again.`,
  });
}

// A function has few callers (IAM roles, API keys, one public key space) and each sends
// many requests: their digests are kept rather than hashed again on every request.
/** @type {Map<string, string>} */
const callerDigests = new Map();
const MAX_CALLER_DIGESTS = 1000;

/**
 * The first 32 hex characters of SHA-256 of the caller, as the record key's prefix.
 * @param {string} caller
 * @returns {Promise<string>}
 */
async function callerDigest(caller) {
  let digest = callerDigests.get(caller);
  if (digest === undefined) {
    digest = (await sha256Hex(caller)).slice(0, 32);
    // Bounded: a flood of distinct callers (forged API keys are refused before this) cannot grow it.
    if (callerDigests.size >= MAX_CALLER_DIGESTS) callerDigests.clear();
    callerDigests.set(caller, digest);
  }
  return digest;
}

/**
 * @param {Route[]} routes
 * @param {string} method
 * @param {string} path
 * @returns { { route: Route, response?: undefined } | { response: import('./http.mjs').HttpResponse, route?: undefined } }
 */
function matchRoute(routes, method, path) {
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
