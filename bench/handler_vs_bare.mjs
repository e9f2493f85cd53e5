// Per-request cost of the generated Lambda handler against a bare handler doing the same
// useful work, side by side in one process. Every round times each variant on its own
// batch of fresh requests (a new Idempotency-Key each, so every request claims, runs the
// side effect and completes), and the order of the variants rotates from round to round
// so that machine noise and JIT state hit all of them alike.
//
//   node bench/handler_vs_bare.mjs <rendered-default-project> [requests-per-round] [rounds]
//
// Prints one JSON object (µs per request: median over rounds, and every round).
//
// Variants:
//   bare        parses the API Gateway v2 event (route, base64, JSON), validates the order
//               with the project's own validateOrder, creates it, awaits the same no-op
//               side effect and answers 202 JSON. No idempotency, no logs, no checks.
//   bare_hash   the honest floor: bare, plus the fingerprint every idempotent request
//               needs (the project's own fingerprintOf: RFC 8785 canonical JSON of the
//               body, method and path, SHA-256 hex), so what it leaves out is the claim,
//               the complete, the HTTP contract and the log lines.
//   generated   the project's createHandler with the memory store and the same no-op side
//               effect; its log lines are built (JSON, redaction) and handed to a no-op sink.
//   no_logs     the same handler with LOG_LEVEL=error: no info line is built.
//   pipeline    no_logs without idempotency: the same createApi pipeline and routes with
//               `idempotent: false`, wired as createHandler wires them (so this variant
//               follows src/handler.mjs only as long as createHandler stays that wiring).
// generated - no_logs is the cost of the log lines, no_logs - pipeline the cost of
// idempotency (fingerprint + claim + complete), pipeline - bare the HTTP contract.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const project = resolve(process.argv[2] ?? 'demo-project');
const perRound = Number(process.argv[3] ?? 4000);
const rounds = Number(process.argv[4] ?? 9);

const load = (relative) => import(pathToFileURL(resolve(project, relative)).href);
const { createHandler } = await load('src/handler.mjs');
const { loadConfig } = await load('src/config.mjs');
const { createMemoryStore } = await load('src/lib/stores/memory.mjs');
const { createOrderRoutes, validateOrder } = await load('src/orders.mjs');
const { fingerprintOf } = await load('src/lib/idempotency.mjs');

const fixture = JSON.parse(readFileSync(resolve(project, 'events/post-order.json'), 'utf8'));
const handOn = async () => {};
const sink = () => {};
const memoryConfig = (overrides = {}) => ({ ...loadConfig({}), idempotencyStore: 'memory', ...overrides });

async function bare(event, context, fingerprint = false) {
  const http = event.requestContext?.http ?? {};
  if (event.rawPath !== '/orders' || http.method !== 'POST') {
    return { statusCode: 404, headers: { 'content-type': 'application/json' }, body: '{"error":"not_found"}' };
  }
  const text = event.isBase64Encoded ? Buffer.from(event.body ?? '', 'base64').toString('utf8') : (event.body ?? '');
  let input;
  try {
    input = JSON.parse(text);
  } catch {
    return { statusCode: 400, headers: { 'content-type': 'application/json' }, body: '{"error":"invalid_json"}' };
  }
  if (fingerprint) await fingerprintOf(http.method, event.rawPath, input);
  const { value, errors } = validateOrder(input);
  if (errors) return { statusCode: 400, headers: { 'content-type': 'application/json' }, body: '{"error":"invalid_input"}' };
  const order = { orderId: crypto.randomUUID(), status: 'accepted', amount: value.amount, currency: value.currency };
  await handOn(order, {});
  return { statusCode: 202, headers: { 'content-type': 'application/json' }, body: JSON.stringify(order), isBase64Encoded: false };
}

/** createHandler's wiring with idempotency switched off on every route; null if the layout moved. */
async function pipelineWithoutIdempotency() {
  try {
    const { createApi } = await load('src/lib/api.mjs');
    const { fromHttpEvent, requestIdOf, toHttpResult } = await load('src/lib/apigateway.mjs');
    const { createLogger } = await load('src/lib/logger.mjs');
    const config = memoryConfig({ logLevel: 'error' });
    const logger = createLogger({ level: config.logLevel, redactFields: config.redactFields, write: sink });
    const routes = createOrderRoutes({ handOn }).map((route) => ({ ...route, idempotent: false }));
    const api = createApi({ routes, store: createMemoryStore(), config, logger });
    return async (event, context) => toHttpResult(await api(fromHttpEvent(event), { requestId: requestIdOf(event, context) }));
  } catch (error) {
    process.stderr.write(`pipeline variant skipped: ${error.message}\n`);
    return null;
  }
}

const variants = {
  bare,
  bare_hash: (event, context) => bare(event, context, true),
  generated: createHandler({ config: memoryConfig(), store: createMemoryStore(), write: sink, handOn }),
  no_logs: createHandler({ config: memoryConfig({ logLevel: 'error' }), store: createMemoryStore(), write: sink, handOn }),
  pipeline: await pipelineWithoutIdempotency(),
};
for (const [name, handler] of Object.entries(variants)) if (!handler) delete variants[name];

let sequence = 0;
function nextEvent() {
  sequence += 1;
  return {
    ...fixture,
    headers: { ...fixture.headers, 'idempotency-key': `bench-${sequence}`, 'x-correlation-id': `bench-${sequence}` },
    requestContext: { ...fixture.requestContext, requestId: `request-${sequence}` },
  };
}

async function timeRound(handler) {
  const events = Array.from({ length: perRound }, nextEvent);
  const context = { awsRequestId: 'bench', getRemainingTimeInMillis: () => 10_000 };
  const started = process.hrtime.bigint();
  for (const event of events) {
    const result = await handler(event, context);
    if (result.statusCode !== 202) throw new Error(`expected 202, got ${result.statusCode}: ${result.body}`);
  }
  return Number(process.hrtime.bigint() - started) / 1e3 / perRound;
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};

const names = Object.keys(variants);
for (const name of names) await timeRound(variants[name]); // warm-up: JIT, caches
const samples = Object.fromEntries(names.map((name) => [name, []]));
for (let round = 0; round < rounds; round += 1) {
  for (let offset = 0; offset < names.length; offset += 1) {
    const name = names[(round + offset) % names.length];
    samples[name].push(await timeRound(variants[name]));
  }
}

console.log(
  JSON.stringify({
    requestsPerRound: perRound,
    rounds,
    microsecondsPerRequest: Object.fromEntries(names.map((name) => [name, median(samples[name])])),
    rounds_us: samples,
  }),
);
