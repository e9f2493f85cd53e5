// Fuzzing the webhook receiver with fast-check: correctly signed deliveries with random
// payloads (so the fuzz gets past the signature to the body checks, the idempotency store
// and the side effect), and the same deliveries with hostile changes. Whatever arrives,
// the handler answers (never throws), never with a 5xx, always with JSON, hands on
// exactly the deliveries it accepts, and writes no secret or personal data to its logs.
// FUZZ_RUNS=10000 npm test runs more events; see test/support/fuzz.ts.
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { it } from 'node:test';
import fc from 'fast-check';
import { createHandler } from '../../src/handler.ts';
import { loadConfig } from '../../src/config.ts';
import { createMemoryStore } from '../../src/lib/stores/memory.ts';
import { ACCEPTED_LOCAL_SECRETS, LOCAL_WEBHOOK_SECRETS } from '../../scripts/webhook-fixtures.ts';
import { canaryFields, canaryLog } from '../support/canaries.ts';
import { brokenJsonText, deepJsonText, fuzz, hostileText, invalidUtf8, nonObjectJsonText } from '../support/fuzz.ts';
import { assertHttpContract, failingStore, httpEvents } from '../support/hostile-http.ts';
import { httpEvent } from '../support/http-events.ts';
import type { Delivery } from '../../src/deliveries.ts';

export type Options = NonNullable<Parameters<typeof createHandler>[0]>;
export type Handler = ReturnType<typeof createHandler>;
export type Result = Awaited<ReturnType<Handler>>;

const config = { ...loadConfig({}), idempotencyStore: 'memory' };
const SCHEME = config.signatureScheme;
const NOW = 1_800_000_000;

/** Signs like the provider does, with node:crypto: an independent check of src/lib/signatures.ts. */
function providerHeaders({ secret, bytes, eventId, timestamp, type }: {
  secret: string;
  bytes: Buffer;
  eventId: string;
  timestamp: number;
  type: string;
}): Record<string, string> {
  if (SCHEME === 'standard_webhooks') {
    const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
    const signature = createHmac('sha256', key).update(`${eventId}.${timestamp}.`).update(bytes).digest('base64');
    return { 'webhook-id': eventId, 'webhook-timestamp': String(timestamp), 'webhook-signature': `v1,${signature}` };
  }
  if (SCHEME === 'stripe') {
    const signature = createHmac('sha256', secret).update(`${timestamp}.`).update(bytes).digest('hex');
    return { 'stripe-signature': `t=${timestamp},v1=${signature}` };
  }
  const signature = createHmac('sha256', secret).update(bytes).digest('hex');
  return { 'x-hub-signature-256': `sha256=${signature}`, 'x-github-delivery': eventId, 'x-github-event': type };
}

function signedDelivery({ secret, eventId, timestamp, type = 'invoice.paid', body, base64 = false, contentType = 'application/json' }: {
  secret: string;
  eventId: string;
  /** epoch seconds */
  timestamp: number;
  type?: string;
  body: string | Uint8Array;
  base64?: boolean;
  contentType?: string;
}) {
  const bytes = Buffer.from(body);
  const headers = { 'content-type': contentType, ...providerHeaders({ secret, bytes, eventId, timestamp, type }) };
  return httpEvent({ method: 'POST', path: '/webhook', headers, body: base64 ? bytes : bytes.toString('utf8'), base64 });
}

// A few event ids come back again and again, so the fuzz reaches replays and 422s too.
const eventId = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom('evt_fuzz_1', 'evt_fuzz_2', 'evt_fuzz_3') },
  { weight: 3, arbitrary: fc.uuid().map((id) => `evt_${id}`) },
  { weight: 1, arbitrary: hostileText },
);
// Stripe names the event in the body's "id"; the other schemes in a header.
const payload = fc
  .record({ type: fc.oneof(fc.constantFrom('invoice.paid', 'push', 'customer.created'), hostileText), data: fc.jsonValue({ maxDepth: 3 }), personal: fc.constantFrom(canaryFields) }, { requiredKeys: ['type', 'data'] })
  .map(({ personal, ...fields }) => (id: string) => JSON.stringify({ id, ...fields, ...personal }));
const nearLimit = fc.integer({ min: -8, max: 8 }).map((offset) => `{"pad":"${'x'.repeat(config.maxBodyBytes + offset - 10)}"}`);
const oddBody = fc.oneof({ weight: 2, arbitrary: deepJsonText }, nonObjectJsonText, brokenJsonText, invalidUtf8, nearLimit);
const body = fc.oneof({ weight: 5, arbitrary: payload }, { weight: 3, arbitrary: oddBody.map((fixed) => () => fixed) });

const delivery = fc
  .record({
    eventId,
    body,
    secret: fc.oneof({ weight: 4, arbitrary: fc.constant(LOCAL_WEBHOOK_SECRETS.current) }, { weight: 2, arbitrary: fc.constant(LOCAL_WEBHOOK_SECRETS.previous) }, { weight: 1, arbitrary: fc.constant(LOCAL_WEBHOOK_SECRETS.wrong) }),
    age: fc.oneof({ weight: 6, arbitrary: fc.integer({ min: -300, max: 300 }) }, { weight: 1, arbitrary: fc.constantFrom(-301, 301, NOW, -NOW) }),
    base64: fc.boolean(),
    contentType: fc.constantFrom('application/json', 'application/json', 'application/json; charset=utf-8', 'text/plain'),
  })
  .map(({ body: bodyFor, age, ...rest }) => signedDelivery({ ...rest, body: bodyFor(rest.eventId), timestamp: NOW - age }));

// The provider redelivering the same event: it must be answered from the store.
const redelivery = fc
  .integer({ min: 1, max: 3 })
  .map((n) => signedDelivery({ secret: LOCAL_WEBHOOK_SECRETS.current, eventId: `evt_retry_${n}`, timestamp: NOW, body: JSON.stringify({ id: `evt_retry_${n}`, type: 'invoice.paid' }) }));

const events = httpEvents({
  valid: fc.oneof({ weight: 4, arbitrary: delivery }, { weight: 1, arbitrary: redelivery }),
  paths: ['/webhook'],
  maxBodyBytes: config.maxBodyBytes,
});

function setup(overrides: Options = {}) {
  const logs = canaryLog();
  const deliveries: Delivery[] = [];
  const handler = createHandler({
    config,
    store: createMemoryStore(),
    secrets: ACCEPTED_LOCAL_SECRETS,
    write: logs.write,
    handOn: async (handed) => deliveries.push(handed),
    now: () => NOW,
    ...overrides,
  });
  return { handler, logs, deliveries };
}

/** Checks one answer; the delivery must have been handed on exactly when it was accepted fresh. */
async function checkOne(event: unknown, invoke: (event: unknown) => Promise<Result>, { logs, deliveries }: {
  logs: ReturnType<typeof canaryLog>;
  deliveries: Delivery[];
}, { allowUnavailable = false }: {
  allowUnavailable?: boolean;
} = {}) {
  logs.clear();
  const before = deliveries.length;
  const result = await invoke(event);
  const body = assertHttpContract(result, { allowUnavailable });
  const acceptedNow = result.statusCode === 200 && result.headers['idempotent-replayed'] === undefined;
  assert.equal(deliveries.length - before, acceptedNow ? 1 : 0, `hand-offs for ${result.statusCode} ${result.body}`);
  if (acceptedNow) assert.equal((deliveries.at(-1) as Delivery).eventId, (body as { eventId?: unknown }).eventId);
  logs.assertClean();
  return result;
}

it(`answers every hostile or signed delivery with JSON and never a 5xx (${SCHEME})`, async () => {
  const harness = setup();
  await fuzz({ target: 'webhook', handler: harness.handler, arbitrary: events, check: (event, invoke) => checkOne(event, invoke, harness) });
});

it('answers 503, and hands nothing on twice, while the store or the secrets are down', async () => {
  const deliveries: Delivery[] = [];
  const logs = canaryLog();
  const shared: Options = { write: logs.write, handOn: async (handed) => deliveries.push(handed) };
  const handlers: Record<string, Handler> = {
    claim: setup({ ...shared, store: failingStore(['claim']) }).handler,
    complete: setup({ ...shared, store: failingStore(['complete', 'release']) }).handler,
    everything: setup({ ...shared, store: failingStore(['claim', 'complete', 'release']) }).handler,
    // No secrets given and no secret store configured: the read fails like an outage.
    secrets: setup({ ...shared, secrets: undefined }).handler,
  };
  await fuzz({
    target: 'webhook with store outage',
    // A Lambda near its timeout (50 ms of budget left): a failing store gives up quickly, as it does then.
    handler: ({ outage, event }: {
      outage: string;
      event: unknown;
    }, context: {
      awsRequestId: string;
    }) => handlers[outage]((event as Parameters<Handler>[0]), { ...context, getRemainingTimeInMillis: () => 300 }),
    arbitrary: fc.record({ outage: fc.constantFrom(...Object.keys(handlers)), event: events }),
    check: async (input, invoke) => {
      const result = await checkOne(input, invoke, { logs, deliveries }, { allowUnavailable: true });
      if (input.outage !== 'complete') assert.notEqual(result.statusCode, 200);
    },
  });
});
