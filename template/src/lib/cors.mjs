// CORS for the origins listed in CORS_ORIGINS. Only exact origins are echoed back;
// requests from other origins get no CORS headers, so browsers refuse the response.
import { errorResponse } from './http.mjs';

/**
 * @param {string | null | undefined} origin
 * @param {string[]} allowedOrigins
 * @returns {Record<string, string>}
 */
export function corsHeadersFor(origin, allowedOrigins) {
  if (!origin || !allowedOrigins.includes(origin)) return {};
  return { 'access-control-allow-origin': origin, vary: 'Origin' };
}

/**
 * Answers a preflight (OPTIONS with Access-Control-Request-Method) as a platform-neutral
 * response (see http.mjs), or returns null. A refusal is JSON like every other refusal.
 * @param {Request} request
 * @param {string[]} allowedOrigins
 * @returns {import('./http.mjs').HttpResponse | { status: 204, headers: Record<string, string>, body: null } | null}
 */
export function preflightResponse(request, allowedOrigins) {
  if (request.method !== 'OPTIONS' || !request.headers.get('access-control-request-method')) return null;
  const headers = corsHeadersFor(request.headers.get('origin'), allowedOrigins);
  if (!headers['access-control-allow-origin']) {
    return errorResponse(403, 'origin_not_allowed', 'This origin may not call this API from a browser.');
  }
  return {
    status: 204,
    headers: {
      ...headers,
      'access-control-allow-methods': 'GET, POST',
      'access-control-allow-headers': 'content-type, idempotency-key, x-api-key, x-correlation-id',
      'access-control-max-age': '600',
    },
    body: null,
  };
}
