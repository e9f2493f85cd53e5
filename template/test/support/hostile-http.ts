// Hostile API Gateway HTTP API v2 events (function URLs send the same shape) for the
// fuzz properties. Each event starts as a valid-looking request for the handler under
// test, so the fuzz reaches the idempotency store and the side effect, and then some of
// its parts are replaced: method, path, headers, cookies, body, base64 flag, envelope.
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { createMemoryStore } from '../../src/lib/stores/memory.ts';
import { canaryCookies, canaryHeaders } from './canaries.ts';
import {
  brokenJsonText,
  deepJsonText,
  enormousText,
  hostileJsonValue,
  hostileText,
  hugeNumberText,
  invalidUtf8,
  nonObjectJsonText,
} from './fuzz.ts';
import type { HttpEvent } from './http-events.ts';
import type { IdempotencyStore } from '../../src/lib/idempotency.ts';

/** An HTTP API event while the fuzz replaces its parts: each part may end up holding anything. */
export interface FuzzedEvent {
  headers: Record<string, unknown>;
  cookies?: unknown;
  rawPath?: unknown;
  requestContext: { http: Record<string, unknown>; requestId?: unknown };
}

export function httpEvents({ valid, paths, maxBodyBytes }: {
  /** valid-looking events for this handler */
  valid: fc.Arbitrary<HttpEvent>;
  /** the handler's routes */
  paths: string[];
  /** the configured body limit */
  maxBodyBytes: number;
}): fc.Arbitrary<unknown> {
  return fc.oneof(
    { weight: 3, arbitrary: fc.tuple(valid, canaries).map(([event, canary]) => withCanaries(structuredClone(event), canary)) },
    { weight: 6, arbitrary: fc.tuple(valid, edits({ paths, maxBodyBytes })).map(([event, edit]) => applyEdits(structuredClone(event), edit)) },
    { weight: 1, arbitrary: brokenEnvelope },
  );
}

/**
 * The contract every answer keeps: a valid Lambda proxy result, never a 5xx (503 only
 * where the test injects an outage), JSON, and a problem detail with an `error` code on every refusal.
 * Returns the parsed body.
 * @param result what the handler returned
 */
export function assertHttpContract(result: {
  statusCode: number;
  headers: Record<string, unknown>;
  body: string;
}, { allowUnavailable = false }: {
  allowUnavailable?: boolean;
} = {}): unknown {
  assert.ok(result && typeof result === 'object', 'the handler must return a result object');
  assert.ok(Number.isInteger(result.statusCode) && result.statusCode >= 200 && result.statusCode <= 599, `status ${result.statusCode}`);
  const allowed = result.statusCode < 500 || (allowUnavailable && result.statusCode === 503);
  assert.ok(allowed, `answered ${result.statusCode}: ${String(result.body).slice(0, 300)}`);
  // API Gateway turns a header that is not a string into its own 500.
  for (const [name, value] of Object.entries(result.headers ?? {})) assert.equal(typeof value, 'string', `header ${name}`);
  // Refusals are RFC 9457 problem details with the stable code in `error`; the rest is plain JSON.
  assert.equal(result.headers['content-type'], result.statusCode >= 400 ? 'application/problem+json' : 'application/json');
  assert.equal(typeof result.body, 'string');
  const body = JSON.parse(result.body);
  if (result.statusCode >= 400) {
    assert.equal(body.status, result.statusCode, result.body.slice(0, 300));
    for (const member of ['type', 'title', 'detail', 'error']) assert.equal(typeof body[member], 'string', `${member}: ${result.body.slice(0, 300)}`);
  }
  return body;
}

export type FailingStore = Pick<IdempotencyStore, 'claim' | 'complete' | 'release'>;

/**
 * An idempotency store that fails at the given steps, like DynamoDB unreachable or throttling mid-request.
 * @param failingSteps of claim, complete, release
 */
export function failingStore(failingSteps: string[]): FailingStore {
  const healthy = createMemoryStore();
  const fail = async () => {
    throw new Error('connect ECONNREFUSED (injected outage)');
  };
  return Object.fromEntries((['claim', 'complete', 'release'] as const).map((step) => [step, failingSteps.includes(step) ? fail : healthy[step]])) as FailingStore;
}

/**
 * HTTP API joins repeated headers with commas, so a duplicate arrives appended. Defined,
 * not assigned, so a header named "__proto__" is an own key, as JSON.parse makes it.
 */
export function addHeader(headers: Record<string, unknown>, name: string, value: unknown) {
  const previous = Object.hasOwn(headers, name) ? headers[name] : undefined;
  const joined = typeof previous === 'string' && typeof value === 'string' ? `${previous},${value}` : value;
  Object.defineProperty(headers, name, { value: joined, enumerable: true, writable: true, configurable: true });
}

// ── The parts that get replaced ──────────────────────────────────────────────────────

const method = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'HEAD', 'OPTIONS') },
  { weight: 1, arbitrary: fc.mixedCase(fc.constantFrom('get', 'post', 'delete')) },
  { weight: 1, arbitrary: fc.constantFrom('', 'PROPFIND', 'BREW', 'POST ', ' GET', 'GET\r\nX-Injected: 1', 'P\u0000ST', 'CONNECT') },
  { weight: 1, arbitrary: hostileText },
);

function pathLike(paths: string[]) {
  const known = fc.constantFrom(...paths);
  return fc.oneof(
    { weight: 4, arbitrary: known },
    {
      weight: 3,
      arbitrary: known.chain((path) =>
        fc.constantFrom(`${path}/`, path.toUpperCase(), `/${path}`, `${path}/..`, `${path}/../..`, `${path}%2F`, `${path}?x=1`, `${path}#x`, `${path}\u0000`, `/.${path}`, `${path};x`, encodeURIComponent(path)),
      ),
    },
    { weight: 1, arbitrary: fc.constantFrom('', '/', '//', '/../etc/passwd', '/%2e%2e/%2e%2e/etc/passwd', '/%00', '/%ff%fe', '/\u202Eevil', '/ünïcødé/路径/🙂', '/__proto__', '/constructor', '/*') },
    { weight: 1, arbitrary: fc.array(fc.constantFrom(...paths.map((path) => path.slice(1)), 'v1', '.', '..', '', '%20', '%2F', 'a b'), { maxLength: 6 }).map((segments) => `/${segments.join('/')}`) },
    { weight: 1, arbitrary: hostileText.map((text) => `/${text}`) },
    { weight: 1, arbitrary: fc.integer({ min: 1_000, max: 20_000 }).map((count) => `/${'a/'.repeat(count)}`) },
  );
}

const KNOWN_HEADERS = [
  'content-type', 'content-length', 'idempotency-key', 'authorization', 'cookie', 'x-api-key', 'x-correlation-id', 'host',
  'webhook-id', 'webhook-timestamp', 'webhook-signature', 'stripe-signature', 'x-hub-signature-256', 'x-github-delivery', 'x-github-event',
  '__proto__', 'constructor', 'toString', 'hasOwnProperty',
];

const headerName = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...KNOWN_HEADERS) },
  { weight: 1, arbitrary: fc.mixedCase(fc.constantFrom(...KNOWN_HEADERS)) },
  { weight: 1, arbitrary: hostileText },
);

const headerValue = fc.oneof(
  { weight: 3, arbitrary: hostileText },
  {
    weight: 2,
    arbitrary: fc.constantFrom(
      'application/json', 'application/json; charset=utf-8', 'APPLICATION/JSON', 'application/problem+json', 'application/jsonp', 'text/plain',
      'application/json, text/plain', ';', 'fuzz-key-1', 'v1,AAAA', 'v1,', 't=0,v1=00', 't=,v1=', 'sha256=00', 'sha256=', '1800000000', '-1', '1e3',
    ),
  },
  { weight: 1, arbitrary: enormousText },
  // Non-string values: never sent by API Gateway, but a test harness or a proxy might.
  { weight: 1, arbitrary: fc.oneof(fc.integer(), fc.constant(null), fc.boolean(), fc.jsonValue({ maxDepth: 2 })) },
);

const headerEdits = fc.record({
  add: fc.array(fc.tuple(headerName, headerValue), { maxLength: 4 }),
  drop: fc.subarray(['content-type', 'idempotency-key', 'x-api-key', 'webhook-id', 'webhook-timestamp', 'webhook-signature', 'stripe-signature', 'x-hub-signature-256', 'x-github-delivery']),
});

/** Instead of a headers object: nothing, or something that is not an object of strings. */
const brokenHeaders = fc.constantFrom(undefined, null, 'content-type: application/json', 42, [], ['application/json'], true);

function textBody(maxBodyBytes: number) {
  const nearLimit = fc.tuple(fc.integer({ min: -8, max: 8 }), fc.constantFrom('x', 'é', '🙂')).map(([offset, unit]) => {
    const head = '{"amount":1299,"currency":"EUR","note":"';
    const room = Math.max(0, maxBodyBytes + offset - head.length - 2);
    return `${head}${unit.repeat(Math.floor(room / Buffer.byteLength(unit)))}"}`;
  });
  const farOverLimit = fc.integer({ min: 2, max: 16 }).map((factor) => `"${'x'.repeat(maxBodyBytes * factor)}"`);
  return fc.oneof(
    { weight: 3, arbitrary: fc.json({ maxDepth: 3 }) },
    { weight: 2, arbitrary: brokenJsonText },
    { weight: 2, arbitrary: nonObjectJsonText },
    { weight: 1, arbitrary: deepJsonText },
    { weight: 1, arbitrary: hugeNumberText.map((number) => `{"amount":${number},"currency":"EUR"}`) },
    { weight: 1, arbitrary: nearLimit },
    { weight: 1, arbitrary: farOverLimit },
  );
}

/** Body and isBase64Encoded, including a flag that lies in either direction. */
function bodyEdit(maxBodyBytes: number) {
  const encodings = fc.constantFrom('plain', 'base64', 'flagged but plain', 'encoded but unflagged', 'flag as a string');
  return fc.oneof(
    { weight: 6, arbitrary: fc.tuple(textBody(maxBodyBytes), encodings).map(([text, encoding]) => encodeBody(Buffer.from(text), encoding)) },
    { weight: 2, arbitrary: fc.oneof(invalidUtf8, fc.uint8Array({ maxLength: 64 })).map((bytes) => ({ body: Buffer.from(bytes).toString('base64'), isBase64Encoded: true })) },
    { weight: 1, arbitrary: fc.constantFrom('%%%', '====', 'e30', 'e30=garbage', '\u0000').map((body) => ({ body, isBase64Encoded: true })) },
    { weight: 1, arbitrary: hostileJsonValue.map((body) => ({ body, isBase64Encoded: false })) },
    { weight: 1, arbitrary: fc.constant({ body: undefined }) },
  );
}

/**
 * @param encoding one of `encodings` in bodyEdit
 */
function encodeBody(bytes: Buffer, encoding: string) {
  switch (encoding) {
    case 'base64':
      return { body: bytes.toString('base64'), isBase64Encoded: true };
    case 'flagged but plain':
      return { body: bytes.toString('utf8'), isBase64Encoded: true };
    case 'encoded but unflagged':
      return { body: bytes.toString('base64'), isBase64Encoded: false };
    case 'flag as a string':
      return { body: bytes.toString('utf8'), isBase64Encoded: 'false' };
    default:
      return { body: bytes.toString('utf8'), isBase64Encoded: false };
  }
}

const cookies = fc.oneof(fc.array(hostileText, { maxLength: 3 }), fc.constantFrom(null, 'a=b', {}, [1, null]));

const envelopeEdit = fc.oneof(
  fc.record({ rawPath: fc.constantFrom(undefined, null, 5, {}, ['/items'], '') }),
  fc.record({ requestContext: fc.constantFrom(undefined, null, 'x', {}, { http: null }, { http: { method: 5, path: {} } }, { requestId: { toString: 1 } }, { requestId: '' }) }),
  fc.record({ requestId: fc.oneof(hostileJsonValue, enormousText) }),
);

/** Leave a part alone two times in three, so most events differ from a valid one in one or two places. */
const sometimes = <T>(arbitrary: fc.Arbitrary<T>) => fc.oneof({ weight: 2, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary });

/** The parts of one event that get replaced (undefined: left alone). */
export interface Edit {
  method?: string;
  path?: string;
  headers?: { add: [string, unknown][]; drop: string[] };
  /** instead of the headers object */
  brokenHeaders?: { value: unknown };
  cookies?: unknown;
  body?: { body: unknown; isBase64Encoded?: unknown };
  envelope?: { rawPath?: unknown; requestContext?: unknown; requestId?: unknown };
  canary: string;
}

function edits({ paths, maxBodyBytes }: { paths: string[]; maxBodyBytes: number }): fc.Arbitrary<Edit> {
  return fc.record({
    method: sometimes(method),
    path: sometimes(pathLike(paths)),
    headers: sometimes(headerEdits),
    brokenHeaders: fc.oneof({ weight: 12, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) }).chain((broken) => (broken ? brokenHeaders.map((value) => ({ value })) : fc.constant(undefined))),
    cookies: sometimes(cookies),
    body: sometimes(bodyEdit(maxBodyBytes)),
    envelope: sometimes(envelopeEdit),
    canary: canaries,
  });
}

function applyEdits(event: FuzzedEvent, edit: Edit) {
  if (edit.method !== undefined) event.requestContext.http.method = edit.method;
  if (edit.path !== undefined) event.rawPath = event.requestContext.http.path = edit.path;
  if (edit.headers) {
    for (const name of edit.headers.drop) delete event.headers[name];
    for (const [name, value] of edit.headers.add) addHeader(event.headers, name, value);
  }
  if (edit.cookies !== undefined) event.cookies = edit.cookies;
  if (edit.body) Object.assign(event, edit.body);
  withCanaries(event, edit.canary);
  // From here on the event need not be an HTTP API event any more.
  if (edit.brokenHeaders) Object.assign(event, { headers: edit.brokenHeaders.value });
  const envelope = edit.envelope ?? {};
  if ('rawPath' in envelope) event.rawPath = envelope.rawPath;
  if ('requestContext' in envelope) Object.assign(event, { requestContext: envelope.requestContext });
  if ('requestId' in envelope) event.requestContext.requestId = envelope.requestId;
  return event;
}

/**
 * 'passive': secrets where they do not decide the answer (authorization, cookies).
 * 'secrets': also the signature and API key headers, which then fail the check.
 */
const canaries = fc.oneof(
  { weight: 3, arbitrary: fc.constant('none') },
  { weight: 4, arbitrary: fc.constant('passive') },
  { weight: 1, arbitrary: fc.constant('secrets') },
);

/**
 * @param canary one of `canaries`
 */
function withCanaries(event: FuzzedEvent, canary: string) {
  if (canary === 'none') return event;
  addHeader(event.headers, 'authorization', canaryHeaders.authorization);
  addHeader(event.headers, 'cookie', canaryHeaders.cookie);
  event.cookies = [...(Array.isArray(event.cookies) ? event.cookies : []), ...canaryCookies];
  if (canary === 'secrets') {
    for (const name of (['x-api-key', 'webhook-signature', 'stripe-signature', 'x-hub-signature-256'] as const)) event.headers[name] = canaryHeaders[name];
  }
  return event;
}

/** Not an HTTP event at all: what a misconfigured trigger or a hand-written test might send. */
const brokenEnvelope = fc.oneof(
  fc.constantFrom(undefined, null, 0, 'GET /items', [], {}, { version: '2.0' }, { requestContext: null }, { headers: null, body: 5 }, { body: 'e30=', isBase64Encoded: true }),
  hostileJsonValue,
);
