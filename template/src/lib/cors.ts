// CORS for the origins listed in CORS_ORIGINS. Only exact origins are echoed back;
// requests from other origins get no CORS headers, so browsers refuse the response.
import { errorResponse, type HttpResponse } from './http.ts';

export function corsHeadersFor(origin: string | null | undefined, allowedOrigins: string[]): Record<string, string> {
  if (!origin || !allowedOrigins.includes(origin)) return {};
  return { 'access-control-allow-origin': origin, vary: 'Origin' };
}

/**
 * Answers a preflight (OPTIONS with Access-Control-Request-Method) as a platform-neutral
 * response (see http.ts), or returns null. A refusal is JSON like every other refusal.
 */
export function preflightResponse(request: Request, allowedOrigins: string[]): HttpResponse | { status: 204; headers: Record<string, string>; body: null } | null {
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
