// Fuzzing the orders API with fast-check: thousands of hostile and valid-looking API
// Gateway events against the real handler. Whatever arrives, the handler answers (never
// throws), never with a 5xx, always with JSON, runs the side effect exactly for the
// orders it accepts, and writes no secret or personal data to its logs.
// FUZZ_RUNS=10000 npm test runs more events; see test/support/fuzz.ts.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import fc from 'fast-check';
import { createHandler } from '../../src/handler.ts';
import { loadConfig } from '../../src/config.ts';
import { createMemoryStore } from '../../src/lib/stores/memory.ts';
import { canaryFields, canaryLog } from '../support/canaries.ts';
import { fuzz } from '../support/fuzz.ts';
import { assertHttpContract, failingStore, httpEvents } from '../support/hostile-http.ts';
import { handlerAuth, httpEvent, jsonPost } from '../support/http-events.ts';
import type { Order } from '../../src/orders.ts';

export type Options = NonNullable<Parameters<typeof createHandler>[0]>;
export type Handler = ReturnType<typeof createHandler>;
export type Result = Awaited<ReturnType<Handler>>;

const config = { ...loadConfig({}), idempotencyStore: 'memory' };

// A few keys come back again and again, so the fuzz reaches replays and 422s too.
const idempotencyKey = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom('fuzz-key-1', 'fuzz-key-2', 'fuzz-key-3') },
  { weight: 3, arbitrary: fc.uuid() },
  { weight: 1, arbitrary: fc.constantFrom('', ' ', 'x'.repeat(256), 'clé', 'two words', 'tab\tkey') },
);
const amount = fc.oneof(
  { weight: 4, arbitrary: fc.integer({ min: 1, max: 10_000_000 }) },
  { weight: 1, arbitrary: fc.constantFrom(0, -1, 1.5, 2 ** 53, Number.MAX_VALUE, '1299', null, [1299]) },
);
const currency = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom('EUR', 'USD', 'JPY') },
  { weight: 1, arbitrary: fc.constantFrom('eur', 'EURO', '', 'E1R', null, 978, ['EUR']) },
);
const order = fc.record(
  { amount, currency, personal: fc.constantFrom(canaryFields), note: fc.string({ maxLength: 30 }) },
  { requiredKeys: ['amount', 'currency'] },
).map(({ personal, ...fields }) => ({ ...fields, ...personal }));

// The same order under the same key again: a retry that must be replayed, not re-run.
const retriedOrder = fc.integer({ min: 1, max: 3 }).map((n) => jsonPost('/orders', { amount: n * 1000, currency: 'EUR' }, { 'idempotency-key': `fuzz-retry-${n}` }));

const validLooking = fc.oneof(
  { weight: 4, arbitrary: fc.tuple(idempotencyKey, order).map(([key, body]) => jsonPost('/orders', body, { 'idempotency-key': key })) },
  { weight: 2, arbitrary: retriedOrder },
  { weight: 1, arbitrary: fc.constant(httpEvent({ method: 'GET', path: '/health' })) },
);
const events = httpEvents({ valid: validLooking, paths: ['/orders', '/health'], maxBodyBytes: config.maxBodyBytes });

/** @param overrides apiKeys: auth api_key only */
function setup(overrides: Omit<Options, 'apiKeys'> & { apiKeys?: string[] | (() => Promise<string[]>) } = {}) {
  const logs = canaryLog();
  const accepted: Order[] = [];
  const handler = createHandler({
    ...handlerAuth,
    config,
    store: createMemoryStore(),
    write: logs.write,
    handOn: async (order) => accepted.push(order),
    ...overrides,
  });
  return { handler, logs, accepted };
}

/** Checks one answer; the side effect must have run exactly when an order was accepted fresh. */
async function checkOne(event: unknown, invoke: (event: unknown) => Promise<Result>, { logs, accepted }: {
  logs: ReturnType<typeof canaryLog>;
  accepted: unknown[];
}, { allowUnavailable = false }: {
  allowUnavailable?: boolean;
} = {}) {
  logs.clear();
  const before = accepted.length;
  const result = await invoke(event);
  const body = assertHttpContract(result, { allowUnavailable });
  const acceptedNow = result.statusCode === 202 && result.headers['idempotent-replayed'] === undefined;
  assert.equal(accepted.length - before, acceptedNow ? 1 : 0, `side effects for ${result.statusCode} ${result.body}`);
  if (acceptedNow) assert.deepEqual(accepted.at(-1), body);
  logs.assertClean();
  return result;
}

it('answers every hostile or valid-looking request with JSON and never a 5xx', async () => {
  const harness = setup();
  await fuzz({ target: 'orders-api', handler: harness.handler, arbitrary: events, check: (event, invoke) => checkOne(event, invoke, harness) });
});

it('answers 503, and runs no side effect twice, while the idempotency store is down', async () => {
  const accepted: Order[] = [];
  const logs = canaryLog();
  const shared: Options = { write: logs.write, handOn: async (order) => accepted.push(order) };
  const handlers: Record<string, Handler> = {
    claim: setup({ ...shared, store: failingStore(['claim']) }).handler,
    complete: setup({ ...shared, store: failingStore(['complete', 'release']) }).handler,
    everything: setup({ ...shared, store: failingStore(['claim', 'complete', 'release']) }).handler,
  };
  if (handlerAuth.apiKeys) {
    const keysDown = async () => {
      throw new Error('AccessDeniedException (injected outage)');
    };
    handlers['api keys'] = setup({ ...shared, apiKeys: keysDown }).handler;
  }
  await fuzz({
    target: 'orders-api with store outage',
    // A Lambda near its timeout (50 ms of budget left): a failing store gives up quickly, as it does then.
    handler: ({ outage, event }: {
      outage: string;
      event: unknown;
    }, context: {
      awsRequestId: string;
    }) => handlers[outage]((event as Parameters<Handler>[0]), { ...context, getRemainingTimeInMillis: () => 300 }),
    arbitrary: fc.record({ outage: fc.constantFrom(...Object.keys(handlers)), event: events }),
    check: async (input, invoke) => {
      const result = await checkOne(input, invoke, { logs, accepted }, { allowUnavailable: true });
      if (input.outage !== 'complete') assert.notEqual(result.statusCode, 202);
    },
  });
});
