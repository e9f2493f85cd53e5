// Platform-neutral HTTP contract: every answer is JSON, every refusal is an RFC 9457
// problem detail with a stable error code, and nothing a caller sends can make the function throw.
// Requests arrive here already normalised by the platform adapter:
//   { method, path, headers: { lowercase-name: value }, body: Uint8Array | null }

export interface HttpRequest {
  /** uppercase */
  method: string;
  path: string;
  /** lowercase names */
  headers: Record<string, string>;
  body: Uint8Array | null;
  /** set by the authenticator: scopes idempotency keys */
  caller?: string;
  /** the SigV4 signer (Lambda, auth iam) */
  iamUserArn?: string;
}

export interface HttpResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

const CORRELATION_ID = /^[A-Za-z0-9._:-]{1,128}$/;

// RFC 9110's reason phrases: with the problem type "about:blank" the title is the phrase.
const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  413: 'Content Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Content',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

export function jsonResponse(status: number, payload: unknown, headers: Record<string, string> = {}): HttpResponse {
  return {
    status,
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(payload),
  };
}

/**
 * A refusal as an RFC 9457 problem detail. The type is "about:blank" (the status says what
 * kind of problem it is); `error` is the stable code callers branch on, `detail` is for people.
 */
export function errorResponse(status: number, error: string, detail: string, extra: Record<string, unknown> = {}, headers: Record<string, string> = {}): HttpResponse {
  const problem = { type: 'about:blank', title: TITLES[status] ?? 'Error', status, detail, error, ...extra };
  return jsonResponse(status, problem, { 'content-type': 'application/problem+json', ...headers });
}

/** A caller-supplied id is echoed only when it is short and plain, so it cannot forge log lines. */
export function correlationIdFrom(headers: Record<string, string>, fallback: string): string {
  const supplied = headers['x-correlation-id'];
  return typeof supplied === 'string' && CORRELATION_ID.test(supplied) ? supplied : fallback;
}
