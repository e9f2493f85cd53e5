// Fuzz of the redirect Worker in workerd. Whatever the method, path, query, headers or
// body, it never throws and answers only with a redirect to this site or an allowed host
// (never anywhere a request names), a JSON 404 or a JSON 405; and it logs nothing a
// request carried in its secrets or personal data.
//
// The contract for bodies: a redirect and any answer to HEAD have an empty body; every
// other answer is JSON with a JSON content type.
import { createExecutionContext, env, waitOnExecutionContext } from 'cloudflare:test';
import fc from 'fast-check';
import { afterEach, it, vi } from 'vitest';
import worker from '../src/index.mjs';
import { ensure, expectProblem, fuzz, fuzzTimeout, headerListArb, hostileBodyArb, methodArb, mostly, pathArb, toRequest } from './support/fuzz.mjs';
import { CANARIES, captureLogs, expectCleanLogs } from './support/logs.mjs';
import redirectRules from '../redirects.json';

const SOURCES = redirectRules.rules.map((rule) => rule.source);
const REDIRECTS = new Set([301, 302, 307, 308]);

// Queries that try to steer the target: other hosts, header injection, repeats, unicode.
const queryArb = fc.oneof(
  fc.constantFrom(
    'next=//evil.example', 'url=https://evil.example/', 'a=%0d%0aSet-Cookie:x=1', 'a=1&a=2', 'campaign=other',
    `email=${encodeURIComponent(CANARIES.email)}`, '%zz', '=', '&&', '😀=😀',
  ),
  fc.string({ maxLength: 30 }),
);

const redirectRequestArb = fc.record({
  origin: mostly(fc.constant('https://example.test'), fc.constantFrom('http://example.test', 'https://EXAMPLE.test:8443', 'https://xn--bcher-kva.example')),
  method: mostly(fc.constantFrom('GET', 'HEAD'), methodArb),
  path: fc
    .tuple(
      fc.oneof(fc.constantFrom(...SOURCES), fc.mixedCase(fc.constantFrom(...SOURCES)), fc.constantFrom(...SOURCES).map((source) => `${source}/`), pathArb(SOURCES)),
      fc.option(queryArb, { freq: 2 }),
    )
    .map(([path, query]) => (query === null ? path : `${path}?${query}`)),
  headers: headerListArb,
  body: fc.oneof({ weight: 6, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: hostileBodyArb(1024) }),
});

afterEach(() => vi.restoreAllMocks());

it('answers any request with a safe redirect, a JSON 404 or a JSON 405', async ({ task }) => {
  const logs = captureLogs();
  await fuzz(task, {
    target: 'fetch redirects',
    arbitrary: redirectRequestArb,
    deliverable: async (request) => toRequest(request),
    property: async (request) => {
      logs.clear();
      const ctx = createExecutionContext();
      const response = await worker.fetch(request, env, ctx);
      await waitOnExecutionContext(ctx);
      const { status, headers } = response;
      ensure(REDIRECTS.has(status) || status === 404 || status === 405, `status ${status}`);
      ensure(/^[A-Za-z0-9._:-]{1,128}$/.test(/** @type {string} */ (headers.get('x-correlation-id'))), `x-correlation-id ${headers.get('x-correlation-id')}`);
      const text = await response.text();
      if (REDIRECTS.has(status)) {
        const location = new URL(/** @type {string} */ (headers.get('location')));
        const allowed = location.origin === new URL(request.url).origin || (location.protocol === 'https:' && redirectRules.allowedHosts.includes(location.hostname));
        ensure(allowed, `redirect to ${location.href} from ${request.url}`);
      }
      if (REDIRECTS.has(status) || request.method === 'HEAD') {
        ensure(text === '', `a body on a ${status} to ${request.method}`);
      } else {
        ensure(headers.get('content-type') === 'application/problem+json', `content-type ${headers.get('content-type')}`);
        expectProblem(JSON.parse(text), status, text);
      }
      expectCleanLogs(logs.lines);
    },
  });
}, fuzzTimeout());
