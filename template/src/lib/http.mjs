// Platform-neutral HTTP contract: every answer is JSON, every refusal is an RFC 9457
// problem detail with a stable error code, and nothing a caller sends can make the function throw.
// Requests arrive here already normalised by the platform adapter:
//   { method, path, headers: { lowercase-name: value }, body: Uint8Array | null }

/**
 * @typedef {object} HttpRequest
 * @property {string} method                   uppercase
 * @property {string} path
 * @property {Record<string, string>} headers  lowercase names
 * @property {Uint8Array | null} body
 * @property {string} [caller]                 set by the authenticator: scopes idempotency keys
 * @property {string} [iamUserArn]             the SigV4 signer (Lambda, auth iam)
 */

/**
 * @typedef {object} HttpResponse
 * @property {number} status
 * @property {Record<string, string>} headers
 * @property {string} body
 */

const CORRELATION_ID = /^[A-Za-z0-9._:-]{1,128}$/;

// RFC 9110's reason phrases: with the problem type "about:blank" the title is the phrase.
/** @type {Record<number, string>} */
const TITLES = {
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

/**
 * @param {number} status
 * @param {unknown} payload
 * @param {Record<string, string>} [headers]
 * @returns {HttpResponse}
 */
export function jsonResponse(status, payload, headers = {}) {
  return {
    status,
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(payload),
  };
}

/**
 * A refusal as an RFC 9457 problem detail. The type is "about:blank" (the status says what
 * kind of problem it is); `error` is the stable code callers branch on, `detail` is for people.
 * @param {number} status
 * @param {string} error
 * @param {string} detail
 * @param {Record<string, unknown>} [extra]
 * @param {Record<string, string>} [headers]
 * @returns {HttpResponse}
 */
export function errorResponse(status, error, detail, extra = {}, headers = {}) {
  const problem = { type: 'about:blank', title: TITLES[status] ?? 'Error', status, detail, error, ...extra };
  return jsonResponse(status, problem, { 'content-type': 'application/problem+json', ...headers });
}

/**
 * A caller-supplied id is echoed only when it is short and plain, so it cannot forge log lines.
 * @param {Record<string, string>} headers
 * @param {string} fallback
 * @returns {string}
 */
export function correlationIdFrom(headers, fallback) {
  const supplied = headers['x-correlation-id'];
  return typeof supplied === 'string' && CORRELATION_ID.test(supplied) ? supplied : fallback;
}
