// What the per-request benchmarks (handler_vs_bare.mjs, handler_growth.mjs) share: the
// rendered project's modules, the bare handler ours is measured against, fresh events
// from the project's own POST /orders fixture, and a timer for a batch of requests.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

/** The modules of a rendered default Lambda project, and its POST /orders fixture. */
export async function loadProject(project) {
  const load = (relative) => import(pathToFileURL(resolve(project, relative)).href);
  const [{ createHandler }, { loadConfig }, { createMemoryStore }, { createOrderRoutes, validateOrder }, { fingerprintOf }] = await Promise.all([
    load('src/handler.mjs'),
    load('src/config.mjs'),
    load('src/lib/stores/memory.mjs'),
    load('src/orders.mjs'),
    load('src/lib/idempotency.mjs'),
  ]);
  const fixture = JSON.parse(readFileSync(resolve(project, 'events/post-order.json'), 'utf8'));
  return { load, createHandler, loadConfig, createMemoryStore, createOrderRoutes, validateOrder, fingerprintOf, fixture };
}

/**
 * The bare handler: the route check, the base64/JSON parse of the API Gateway v2 event,
 * the project's own validateOrder, an order id, the no-op side effect awaited, 202 JSON.
 * With `fingerprint`, also the project's fingerprintOf on the parsed body: the floor of
 * any idempotent handler.
 */
export function bareHandler({ validateOrder, fingerprintOf }, { handOn, fingerprint = false }) {
  const json = (statusCode, body) => ({ statusCode, headers: { 'content-type': 'application/json' }, body, isBase64Encoded: false });
  return async (event) => {
    const http = event.requestContext?.http ?? {};
    if (event.rawPath !== '/orders' || http.method !== 'POST') return json(404, '{"error":"not_found"}');
    const text = event.isBase64Encoded ? Buffer.from(event.body ?? '', 'base64').toString('utf8') : (event.body ?? '');
    let input;
    try {
      input = JSON.parse(text);
    } catch {
      return json(400, '{"error":"invalid_json"}');
    }
    if (fingerprint) await fingerprintOf(http.method, event.rawPath, input);
    const { value, errors } = validateOrder(input);
    if (errors) return json(400, '{"error":"invalid_input"}');
    const order = { orderId: crypto.randomUUID(), status: 'accepted', amount: value.amount, currency: value.currency };
    await handOn(order, {});
    return json(202, JSON.stringify(order));
  };
}

let sequence = 0;

/** The fixture with a new Idempotency-Key (so every request claims), and `body` if given. */
export function freshEvent(fixture, body = fixture.body) {
  sequence += 1;
  const headers = { ...fixture.headers, 'idempotency-key': `bench-${sequence}`, 'x-correlation-id': `bench-${sequence}` };
  if (body !== fixture.body) headers['content-length'] = String(Buffer.byteLength(body));
  return { ...fixture, body, headers, requestContext: { ...fixture.requestContext, requestId: `request-${sequence}` } };
}

/** µs per request over `events`, one after the other; every answer must be a 202. */
export async function microsecondsPerRequest(handler, events) {
  const context = { awsRequestId: 'bench', getRemainingTimeInMillis: () => 10_000 };
  const started = process.hrtime.bigint();
  for (const event of events) {
    const result = await handler(event, context);
    if (result.statusCode !== 202) throw new Error(`expected 202, got ${result.statusCode}: ${result.body}`);
  }
  return Number(process.hrtime.bigint() - started) / 1e3 / events.length;
}

export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/**
 * Times every variant `rounds` times, after one warm-up round, rotating their order each
 * round so that machine noise and JIT state hit all alike. `eventsFor(name)` makes one
 * round's events. Returns { name: [µs per request of each round] }.
 */
export async function alternatingRounds(variants, { rounds, eventsFor }) {
  const names = Object.keys(variants);
  for (const name of names) await microsecondsPerRequest(variants[name], eventsFor(name));
  const samples = Object.fromEntries(names.map((name) => [name, []]));
  for (let round = 0; round < rounds; round += 1) {
    for (let offset = 0; offset < names.length; offset += 1) {
      const name = names[(round + offset) % names.length];
      samples[name].push(await microsecondsPerRequest(variants[name], eventsFor(name)));
    }
  }
  return samples;
}
