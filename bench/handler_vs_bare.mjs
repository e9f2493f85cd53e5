// Measures the generated Lambda handler against a bare handler doing the same useful
// work (parse the body, validate the order, answer 202 JSON), side by side in one
// process, alternating rounds so machine noise hits both alike. Prints ratios.
//   node bench/handler_vs_bare.mjs <rendered-project> [requests-per-round]
import { pathToFileURL } from 'node:url';
import { resolve } from 'node:path';

const project = resolve(process.argv[2] ?? 'demo-project');
const perRound = Number(process.argv[3] ?? 5000);
const rounds = 5;

const { createHandler } = await import(pathToFileURL(`${project}/src/handler.mjs`));
const { loadConfig } = await import(pathToFileURL(`${project}/src/config.mjs`));
const { createMemoryStore } = await import(pathToFileURL(`${project}/src/lib/stores/memory.mjs`));

const generated = createHandler({
  config: { ...loadConfig({}), idempotencyStore: 'memory' },
  store: createMemoryStore(),
  write: () => {},
  handOn: async () => {},
});

// What a hand-written handler without the contracts would do.
async function bare(event) {
  const input = JSON.parse(event.body);
  if (!Number.isSafeInteger(input.amount) || input.amount <= 0 || !/^[A-Z]{3}$/.test(input.currency)) {
    return { statusCode: 400, body: '{"error":"invalid_input"}' };
  }
  const order = { orderId: crypto.randomUUID(), status: 'accepted', amount: input.amount, currency: input.currency };
  return { statusCode: 202, headers: { 'content-type': 'application/json' }, body: JSON.stringify(order) };
}

let sequence = 0;
function event() {
  sequence += 1;
  return {
    version: '2.0',
    rawPath: '/orders',
    headers: { 'content-type': 'application/json', 'idempotency-key': `bench-${sequence}` },
    requestContext: { http: { method: 'POST', path: '/orders' }, requestId: `r-${sequence}` },
    body: '{"amount":1299,"currency":"EUR"}',
    isBase64Encoded: false,
  };
}

async function timeRound(handler) {
  const events = Array.from({ length: perRound }, event);
  const started = process.hrtime.bigint();
  for (const e of events) {
    const result = await handler(e, {});
    if (result.statusCode !== 202) throw new Error(`unexpected ${result.statusCode}`);
  }
  return Number(process.hrtime.bigint() - started) / 1e6;
}

await timeRound(generated);
await timeRound(bare);
const totals = { generated: 0, bare: 0 };
for (let round = 0; round < rounds; round += 1) {
  totals.generated += await timeRound(generated);
  totals.bare += await timeRound(bare);
}
const requests = perRound * rounds;
const perRequest = (ms) => ((ms * 1000) / requests).toFixed(1);
console.log(`requests per variant: ${requests}`);
console.log(`bare handler:      ${perRequest(totals.bare)} µs/request`);
console.log(`generated handler: ${perRequest(totals.generated)} µs/request (memory store, all contracts)`);
console.log(`ratio generated/bare: ${(totals.generated / totals.bare).toFixed(2)}`);
