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
import { resolve } from 'node:path';
import { alternatingRounds, bareHandler, freshEvent, loadProject, median } from './handler_parts.mjs';

const project = resolve(process.argv[2] ?? 'demo-project');
const perRound = Number(process.argv[3] ?? 4000);
const rounds = Number(process.argv[4] ?? 9);

const parts = await loadProject(project);
const { createHandler, createMemoryStore, createOrderRoutes, fixture, load, loadConfig } = parts;
const handOn = async () => {};
const sink = () => {};
const memoryConfig = (overrides = {}) => ({ ...loadConfig({}), idempotencyStore: 'memory', ...overrides });

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
  bare: bareHandler(parts, { handOn }),
  bare_hash: bareHandler(parts, { handOn, fingerprint: true }),
  generated: createHandler({ config: memoryConfig(), store: createMemoryStore(), write: sink, handOn }),
  no_logs: createHandler({ config: memoryConfig({ logLevel: 'error' }), store: createMemoryStore(), write: sink, handOn }),
  pipeline: await pipelineWithoutIdempotency(),
};
for (const [name, handler] of Object.entries(variants)) if (!handler) delete variants[name];

const samples = await alternatingRounds(variants, { rounds, eventsFor: () => Array.from({ length: perRound }, () => freshEvent(fixture)) });

console.log(
  JSON.stringify({
    requestsPerRound: perRound,
    rounds,
    microsecondsPerRequest: Object.fromEntries(Object.keys(samples).map((name) => [name, median(samples[name])])),
    rounds_us: samples,
  }),
);
