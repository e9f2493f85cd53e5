// Adapter between API Gateway HTTP API (payload format 2.0) / Lambda function URL
// events and the platform-neutral request/response of http.mjs. Both event sources
// share this shape; header names arrive lowercased.
import { Buffer } from 'node:buffer';

/**
 * What the adapter reads of an HTTP API (payload format 2.0) or function URL event
 * (import('aws-lambda').APIGatewayProxyEventV2, with or without an IAM authorizer). Every
 * part is optional: a hand-written or broken event is answered, not trusted.
 * @typedef {object} HttpEvent
 * @property {string} [rawPath]
 * @property {Record<string, string | undefined>} [headers]
 * @property {string} [body]
 * @property {boolean} [isBase64Encoded]
 * @property {HttpEventContext} [requestContext]
 */

/**
 * @typedef {object} HttpEventContext
 * @property { { method?: string, path?: string } } [http]
 * @property {string} [requestId]
 * @property { { iam?: { userArn?: string } } | null} [authorizer]  only behind IAM auth
 */

// API Gateway always sends strings here; anything else (a hand-written or broken event)
// is dropped rather than trusted, so no later step meets an object where it wants text.
/**
 * @param {HttpEvent} event
 * @returns {import('./http.mjs').HttpRequest}
 */
export function fromHttpEvent(event) {
  const http = event?.requestContext?.http ?? {};
  /** @type {Record<string, string>} */
  const headers = {};
  if (event?.headers && typeof event.headers === 'object') {
    for (const name of Object.keys(event.headers)) {
      const value = event.headers[name];
      if (typeof value === 'string') headers[name.toLowerCase()] = value;
    }
  }
  /** @type {Buffer | null} */
  let body = null;
  if (typeof event?.body === 'string') {
    body = event.isBase64Encoded ? Buffer.from(event.body, 'base64') : Buffer.from(event.body, 'utf8');
  }
  const iam = event?.requestContext?.authorizer?.iam;
  return {
    method: typeof http.method === 'string' ? http.method.toUpperCase() : '',
    path: [event?.rawPath, http.path].find((path) => typeof path === 'string') ?? '',
    headers,
    body,
    // The SigV4 signer as API Gateway or the function URL verified it (auth iam only).
    iamUserArn: typeof iam?.userArn === 'string' ? iam.userArn : undefined,
  };
}

/**
 * The Lambda context as far as it is read: tests and scripts pass a part of it, or none.
 * @typedef {Partial<import('aws-lambda').Context>} LambdaContext
 */

/**
 * When the answer must be on its way: the invocation's remaining time, less a reserve for
 * writing the response. Without a Lambda context (tests, scripts) the configured timeout counts.
 * @param {LambdaContext | undefined} context
 * @param {number} timeoutSeconds
 * @returns {number}  epoch ms
 */
export function deadlineOf(context, timeoutSeconds) {
  const remaining = typeof context?.getRemainingTimeInMillis === 'function' ? context.getRemainingTimeInMillis() : timeoutSeconds * 1000;
  return Date.now() + remaining - ANSWER_RESERVE_MS;
}

const ANSWER_RESERVE_MS = 250;

/**
 * The HTTP API / function URL answer: all four fields, always (an APIGatewayProxyStructuredResultV2).
 * @typedef {object} HttpResult
 * @property {number} statusCode
 * @property {Record<string, string>} headers
 * @property {string} body
 * @property {boolean} isBase64Encoded
 */

/**
 * @param {import('./http.mjs').HttpResponse} response
 * @returns {HttpResult}
 */
export function toHttpResult(response) {
  return { statusCode: response.status, headers: response.headers, body: response.body, isBase64Encoded: false };
}

/**
 * The id is echoed in a response header and in every log line, so only a plain one is used.
 * @param {HttpEvent} event
 * @param {LambdaContext | undefined} context
 * @returns {string}
 */
export function requestIdOf(event, context) {
  const candidates = [event?.requestContext?.requestId, context?.awsRequestId];
  return candidates.find((id) => typeof id === 'string' && REQUEST_ID.test(id)) ?? crypto.randomUUID();
}

// HTTP API ids look like "JKJaXmPLvHcESHA=", function URL and Lambda ids are UUIDs.
const REQUEST_ID = /^[\x21-\x7e]{1,200}$/;
