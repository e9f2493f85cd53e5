// Shared parts of the fuzz tests (test/*-fuzz.test.mjs): the runner, which counts the
// events a handler really received, and fast-check arbitraries for hostile requests.
import fc from 'fast-check';
import { inject } from 'vitest';
import { CANARIES } from './logs.mjs';

/** Events per property: 1000 for a quick `npm test`; FUZZ_RUNS=10000 in the template's CI. */
export function fuzzRuns() {
  const runs = inject('fuzzRuns');
  if (!Number.isSafeInteger(runs) || runs < 1) throw new Error(`FUZZ_RUNS must be a positive integer, got ${runs}`);
  return runs;
}

/** Generous: a failing property also spends time shrinking its counterexample. */
export const fuzzTimeout = () => 60_000 + fuzzRuns() * 20;

/**
 * Checks `property` on fuzzRuns() events drawn from `arbitrary`, then leaves the report
 * that support/fuzz-report.mjs prints. `deliverable(event)` returns what the handler
 * takes, or null when the platform could never hand it over (the fetch API refuses a
 * header, say): fast-check replaces such an event, and only delivered events count.
 */
export async function fuzz(task, { target, arbitrary, deliverable = async (event) => event, property }) {
  let events = 0;
  await fc.assert(
    fc.asyncProperty(arbitrary, async (event) => {
      const input = await deliverable(event);
      fc.pre(input !== null);
      events += 1;
      await property(input, event);
    }),
    { numRuns: fuzzRuns() },
  );
  task.meta.fuzzReport = { target, events, failures: 0 };
}

/**
 * A queue batch's outcome (getQueueResult): every message acknowledged or retried, once,
 * and never the whole batch at once. Returns the ids of each.
 */
export function settledMessages(result, messages) {
  const acked = new Set(result.explicitAcks);
  const retried = new Set(result.retryMessages.map((retry) => retry.msgId));
  ensure(!result.ackAll && !result.retryBatch.retry, 'the whole batch was acknowledged or retried at once');
  const once = result.explicitAcks.length + result.retryMessages.length === messages.length && messages.every(({ id }) => acked.has(id) !== retried.has(id));
  ensure(once, `not every message was settled exactly once: ${JSON.stringify({ acked: [...acked], retried: [...retried] })}`);
  return { acked, retried };
}

/** Picks `common` most of the time and `rare` now and then. */
export const mostly = (common, rare, ratio = 9) => fc.oneof({ weight: ratio, arbitrary: common }, { weight: 1, arbitrary: rare });

/**
 * For about one event in nine: which idempotency store calls fail, in turn (the pattern of
 * support/outage.mjs): a full outage, or a mix of calls that fail, get lost or go through.
 */
export const outageArb = fc.oneof(
  { weight: 16, arbitrary: fc.constant(null) },
  { weight: 1, arbitrary: fc.constant(['down']) },
  { weight: 1, arbitrary: fc.array(fc.constantFrom('ok', 'down', 'lost'), { minLength: 1, maxLength: 4 }) },
);

// ── requests ──────────────────────────────────────────────────────────────────────

const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'];

export const methodArb = fc.oneof(
  { weight: 12, arbitrary: fc.constantFrom(...METHODS) },
  { weight: 4, arbitrary: fc.mixedCase(fc.constantFrom(...METHODS)) },
  { weight: 2, arbitrary: fc.stringMatching(/^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,24}$/) },
  // Refused by the fetch API (forbidden or not a token), so never delivered.
  { weight: 1, arbitrary: fc.constantFrom('CONNECT', 'TRACE', 'TRACK', 'GET POST', '', 'GÉT') },
);

const ODD_SEGMENTS = ['..', '.', '%2e%2e', '%2F', '%00', '%ZZ', '%C3%A9', 'é', '😀', '%20', ';x', '\\', '', '~', '{}'];

/** Known paths (exact, odd case, trailing slash), odd and long paths; sometimes a query. */
export function pathArb(knownPaths) {
  const known = fc.constantFrom(...knownPaths);
  const segment = fc.oneof(fc.constantFrom(...ODD_SEGMENTS, ...knownPaths.map((path) => path.slice(1))), fc.string({ unit: 'grapheme', maxLength: 12 }));
  const path = fc.oneof(
    { weight: 6, arbitrary: known },
    { weight: 1, arbitrary: fc.mixedCase(known) },
    { weight: 1, arbitrary: known.map((value) => `${value}/`) },
    { weight: 2, arbitrary: fc.array(segment, { minLength: 1, maxLength: 8 }).map((segments) => `/${segments.join('/')}`) },
    { weight: 1, arbitrary: fc.integer({ min: 1_000, max: 16_000 }).map((length) => `/${'a/'.repeat(length / 2)}`) },
  );
  const query = fc.oneof(fc.string({ maxLength: 40 }), fc.constant(`email=${encodeURIComponent(CANARIES.email)}`));
  return fc.tuple(path, mostly(fc.constant(null), query, 3)).map(([value, search]) => (search === null ? value : `${value}?${search}`));
}

const HEADER_NAMES = [
  'content-type', 'idempotency-key', 'x-api-key', 'authorization', 'cookie', 'x-correlation-id', 'origin',
  'access-control-request-method', 'stripe-signature', 'webhook-id', 'webhook-timestamp', 'webhook-signature',
  'x-hub-signature-256', 'x-github-delivery', 'x-github-event', 'cf-ray', 'accept', 'content-length', 'host',
];

// Rarer than they would be at random, the refused and the enormous: every refused event is
// generated again, and each enormous header costs a copy or two of up to 64 KB.
export const headerValueArb = fc.oneof(
  { weight: 16, arbitrary: fc.string({ maxLength: 40 }) },
  // Control characters; the fetch API refuses some (NUL, CR, LF), workerd delivers the rest.
  { weight: 1, arbitrary: fc.string({ unit: 'binary-ascii', maxLength: 20 }) },
  { weight: 1, arbitrary: fc.integer({ min: 8_000, max: 64_000 }).map((length) => 'v'.repeat(length)) },
  { weight: 2, arbitrary: fc.constantFrom('', ' ', '\t', 'null', '[]', '%00', '\u0000', 'a\r\nb', '\u007f', '\u0001', '0') },
);

/** Secrets where secrets go: these headers may be logged by no one. */
export const secretHeaderArb = fc.tuple(
  fc.mixedCase(fc.constantFrom('authorization', 'cookie', 'x-api-key', 'stripe-signature', 'webhook-signature', 'x-hub-signature-256')),
  fc.constantFrom(CANARIES.authorization, CANARIES.cookie, CANARIES.apiKey, CANARIES.signature),
);

/**
 * Name/value pairs, appended in order, so a repeated name becomes a joined duplicate.
 * Values stay ASCII: the fetch API takes header values as byte strings (a browser throws on
 * others) and workerd warns about each non-ASCII one a test builds. The Lambda fuzz feeds
 * the same library any Unicode in headers, where they arrive as JSON strings.
 */
export const headerListArb = fc.array(
  fc.oneof(
    {
      weight: 6,
      arbitrary: fc.tuple(
        fc.oneof(
          { weight: 24, arbitrary: fc.mixedCase(fc.constantFrom(...HEADER_NAMES)) },
          { weight: 4, arbitrary: fc.stringMatching(/^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,30}$/) },
          { weight: 1, arbitrary: fc.constantFrom('bad name', 'ä', '', 'x:y', 'x\ny') },
        ),
        headerValueArb,
      ),
    },
    { weight: 1, arbitrary: secretHeaderArb },
  ),
  { maxLength: 6 },
);

export const contentTypeArb = fc.oneof(
  fc.mixedCase(fc.constantFrom('application/json', 'application/json; charset=utf-8', 'application/problem+json', 'text/csv')),
  fc.constantFrom('text/plain', 'application/json, text/plain', 'multipart/form-data; boundary=x', 'application/x-www-form-urlencoded', ''),
  fc.string({ maxLength: 30 }),
);

/** Bodies no handler should trust, up to `overLimit` bytes past maxBodyBytes. */
export function hostileBodyArb(maxBodyBytes) {
  return fc.oneof(
    { weight: 3, arbitrary: fc.constant(null) },
    { weight: 3, arbitrary: fc.uint8Array({ maxLength: 300 }) },
    { weight: 3, arbitrary: fc.jsonValue({ maxDepth: 4 }).map((value) => JSON.stringify(value) ?? 'null') },
    { weight: 3, arbitrary: fc.string({ unit: 'binary', maxLength: 200 }) },
    // Large ones are rarer: each costs a full read, parse and depth scan of up to 256 KB.
    { weight: 1, arbitrary: deepNestingArb },
    { weight: 1, arbitrary: sizedBodyArb(maxBodyBytes) },
    { weight: 3, arbitrary: fc.constantFrom(
      '1e400', '-1e400', '123456789012345678901234567890', '{"amount":1e400,"currency":"EUR"}', '[1e400]',
      '\uFEFF{}', '{"a":"\\ud800"}', '{"__proto__":{"amount":1}}', '{"constructor":{"prototype":{"x":1}}}',
      '{"a":1,"a":2}', '', ' ', 'null', '\u0000', '{"a":', '"\\u0000"', 'true',
    ) },
  );
}

/** JSON nested up to 12 000 levels, closed or cut short. */
export const deepNestingArb = fc
  .record({ depth: fc.integer({ min: 100, max: 12_000 }), open: fc.constantFrom('[', '{"a":'), closed: fc.boolean() })
  .map(({ depth, open, closed }) => `${open.repeat(depth)}1${closed ? (open === '[' ? ']' : '}').repeat(depth) : ''}`);

/** Valid JSON objects of exactly maxBodyBytes ± 64 bytes, and an occasional large body. */
export function sizedBodyArb(maxBodyBytes) {
  return fc.oneof(
    fc.integer({ min: maxBodyBytes - 64, max: maxBodyBytes + 64 }).map((size) => paddedJson(size)),
    fc.integer({ min: maxBodyBytes * 2, max: maxBodyBytes * 4 }).map((size) => 'x'.repeat(size)),
  );
}

function paddedJson(size) {
  const shell = '{"amount":1,"currency":"EUR","pad":""}';
  return `${shell.slice(0, -2)}${'p'.repeat(Math.max(0, size - shell.length))}"}`;
}

/** A Request as a Worker would get it, or null when the fetch API refuses to build it. */
export function toRequest({ method, path, headers, body, origin = 'https://worker.test' }) {
  try {
    const headerList = new Headers();
    for (const [name, value] of headers) headerList.append(name, value);
    // A fetch client cannot send a body with GET or HEAD.
    const sendsBody = body !== null && body !== undefined && !/^(get|head)$/i.test(method);
    return new Request(`${origin}${path}`, { method, headers: headerList, body: sendsBody ? body : undefined });
  } catch {
    return null;
  }
}

/**
 * The HTTP contract for any input: no 5xx except 503 during a store outage, and a JSON
 * body with a JSON content type on every answer (a 204 has no body by definition).
 * Returns the parsed body.
 */
export async function expectJsonAnswer(response, { outage = false } = {}) {
  const { status, headers } = response;
  ensure(status < 500 || (outage && status === 503), `status ${status}${outage ? ' during an outage' : ''}`);
  if (status === 503) ensure(/^\d+$/.test(headers.get('retry-after')), '503 without Retry-After');
  const text = await response.text();
  if (status === 204) {
    ensure(text === '', '204 with a body');
    return null;
  }
  // Refusals are RFC 9457 problem details; everything else is plain JSON.
  const contentType = status >= 400 ? 'application/problem+json' : 'application/json';
  ensure(headers.get('content-type') === contentType, `content-type ${headers.get('content-type')} for ${status}`);
  ensure(/^[A-Za-z0-9._:-]{1,128}$/.test(headers.get('x-correlation-id')), `x-correlation-id ${headers.get('x-correlation-id')}`);
  const body = JSON.parse(text);
  ensure(body !== null && typeof body === 'object' && !Array.isArray(body), `body ${text.slice(0, 200)}`);
  if (status >= 400) expectProblem(body, status, text);
  return body;
}

/** An RFC 9457 problem detail that keeps the stable code in `error`. */
export function expectProblem(body, status, text = JSON.stringify(body)) {
  ensure(body.status === status, `problem status ${body.status} for ${status}`);
  for (const member of ['type', 'title', 'detail', 'error']) ensure(typeof body[member] === 'string', `problem without ${member}: ${text.slice(0, 200)}`);
}

/**
 * A plain assertion for checks that run on every fuzz event: expect() is built for readable
 * failures, not for 10 000 calls a property, and these messages say enough.
 */
export function ensure(condition, message) {
  if (!condition) throw new Error(message);
}
