// The HTTP pipeline shared by every platform: route → (authenticate) → body checks →
// validation → idempotency → handler. Each step answers with its own status and
// error code, and an unexpected exception becomes a JSON 500 without a stack trace.
import { correlationIdFrom, errorResponse, matchRoute, readJsonBody } from './http.mjs';
import { fingerprintOf, isValidKey, nowSeconds, runOnce } from './idempotency.mjs';
import { describeError } from './logger.mjs';

/**
 * @param {object} options
 * @param {Array<object>} options.routes  { method, path, body?: 'json' | reader, idempotent?, validate?, handle }
 * @param {object} options.store          idempotency store (claim / complete / release)
 * @param {object} options.config         { maxBodyBytes, idempotencyTtlSeconds, leaseSeconds }
 * @param {object} options.logger         from createLogger()
 * @param {Function} [options.authenticate] async (request) => refusal response or null; runs first
 * @param {Function} [options.now]        clock in epoch seconds (tests move it to expire records)
 */
export function createApi({ routes, store, config, logger, authenticate, now = nowSeconds }) {
  return async function handle(request, { requestId = crypto.randomUUID() } = {}) {
    const startedAt = Date.now();
    const correlationId = correlationIdFrom(request.headers, requestId);
    const log = logger.child({ correlationId });
    const outcome = { route: 'unmatched' };
    let response;
    try {
      response = await dispatch(request, { routes, store, config, log, authenticate, outcome, now });
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

async function dispatch(request, { routes, store, config, log, authenticate, outcome, now }) {
  if (authenticate) {
    const refusal = await authenticate(request, { log });
    if (refusal) return refusal;
  }
  const matched = matchRoute(routes, request.method, request.path);
  if (matched.response) return matched.response;
  const { route } = matched;
  outcome.route = `${route.method} ${route.path}`;

  let input;
  if (route.body) {
    // 'json', or a reader of the same shape for other media types (e.g. a CSV upload).
    const body = route.body === 'json' ? readJsonBody(request, config) : route.body(request, config);
    if (body.response) return body.response;
    input = body.value;
  }
  if (route.validate) {
    const validation = route.validate(input);
    if (validation.errors) {
      return errorResponse(400, 'invalid_input', 'The body failed validation.', { details: validation.errors });
    }
    input = validation.value;
  }

  const run = () => route.handle({ input, request, log });
  if (!route.idempotent) return run();

  const keySource = route.idempotencyKey ?? ((req) => req.headers['idempotency-key']);
  const key = keySource(request, input);
  if (key === undefined || key === '') {
    return errorResponse(400, 'idempotency_key_missing', 'Send an Idempotency-Key header with every mutating request.');
  }
  if (!isValidKey(key)) {
    return errorResponse(400, 'invalid_idempotency_key', 'The Idempotency-Key must be 1-255 printable ASCII characters.');
  }
  return runIdempotently({ route, request, input, key, store, config, log, outcome, run, now });
}

async function runIdempotently({ route, request, input, key, store, config, log, outcome, run, now }) {
  const fingerprint = await fingerprintOf(request.method, route.path, input ?? null);
  const result = await runOnce({
    store,
    key: `${route.method} ${route.path} ${key}`,
    fingerprint,
    ttlSeconds: config.idempotencyTtlSeconds,
    leaseSeconds: config.leaseSeconds,
    log,
    now,
    execute: async () => {
      const response = await run();
      // 5xx answers are not stored: the caller is meant to retry and get a real answer.
      return response.status >= 500 ? { ...response, retryable: true } : response;
    },
  });
  outcome.idempotency = result.kind;
  switch (result.kind) {
    case 'unavailable':
      return errorResponse(503, 'idempotency_store_unavailable', 'Cannot guarantee exactly-once handling right now; retry later.', {}, { 'retry-after': '1' });
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
