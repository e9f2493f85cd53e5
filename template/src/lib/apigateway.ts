// Adapter between API Gateway HTTP API (payload format 2.0) / Lambda function URL
// events and the platform-neutral request/response of http.ts. Both event sources
// share this shape; header names arrive lowercased.
import { Buffer } from 'node:buffer';
import type { HttpRequest, HttpResponse } from './http.ts';
import type { Context } from 'aws-lambda';

/**
 * What the adapter reads of an HTTP API (payload format 2.0) or function URL event
 * (import('aws-lambda').APIGatewayProxyEventV2, with or without an IAM authorizer). Every
 * part is optional: a hand-written or broken event is answered, not trusted.
 */
export interface HttpEvent {
  rawPath?: string;
  headers?: Record<string, string | undefined>;
  body?: string;
  isBase64Encoded?: boolean;
  requestContext?: HttpEventContext;
}

export interface HttpEventContext {
  http?: { method?: string; path?: string };
  requestId?: string;
  /** only behind IAM auth */
  authorizer?: { iam?: { userArn?: string } } | null;
}

// API Gateway always sends strings here; anything else (a hand-written or broken event)
// is dropped rather than trusted, so no later step meets an object where it wants text.
export function fromHttpEvent(event: HttpEvent): HttpRequest {
  const http = event?.requestContext?.http ?? {};
  const headers: Record<string, string> = {};
  if (event?.headers && typeof event.headers === 'object') {
    for (const name of Object.keys(event.headers)) {
      const value = event.headers[name];
      if (typeof value === 'string') headers[name.toLowerCase()] = value;
    }
  }
  let body: Buffer | null = null;
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

/** The Lambda context as far as it is read: tests and scripts pass a part of it, or none. */
export type LambdaContext = Partial<Context>;

/**
 * When the answer must be on its way: the invocation's remaining time, less a reserve for
 * writing the response. Without a Lambda context (tests, scripts) the configured timeout counts.
 * @returns epoch ms
 */
export function deadlineOf(context: LambdaContext | undefined, timeoutSeconds: number): number {
  const remaining = typeof context?.getRemainingTimeInMillis === 'function' ? context.getRemainingTimeInMillis() : timeoutSeconds * 1000;
  return Date.now() + remaining - ANSWER_RESERVE_MS;
}

const ANSWER_RESERVE_MS = 250;

/** The HTTP API / function URL answer: all four fields, always (an APIGatewayProxyStructuredResultV2). */
export interface HttpResult {
  statusCode: number;
  headers: Record<string, string>;
  body: string;
  isBase64Encoded: boolean;
}

export function toHttpResult(response: HttpResponse): HttpResult {
  return { statusCode: response.status, headers: response.headers, body: response.body, isBase64Encoded: false };
}

/** The id is echoed in a response header and in every log line, so only a plain one is used. */
export function requestIdOf(event: HttpEvent, context: LambdaContext | undefined): string {
  const candidates = [event?.requestContext?.requestId, context?.awsRequestId];
  return candidates.find((id) => typeof id === 'string' && REQUEST_ID.test(id)) ?? crypto.randomUUID();
}

// HTTP API ids look like "JKJaXmPLvHcESHA=", function URL and Lambda ids are UUIDs.
const REQUEST_ID = /^[\x21-\x7e]{1,200}$/;
