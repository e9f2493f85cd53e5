// Fuzzing the webhook receiver with fast-check: correctly signed deliveries with random
// payloads (so the fuzz gets past the signature to the body checks, the idempotency store
// and the side effect), and the same deliveries with hostile changes. Whatever arrives,
// the handler answers (never throws), never with a 5xx, always with JSON, hands on
// exactly the deliveries it accepts, and writes no secret or personal data to its logs.
// FUZZ_RUNS=10000 npm test runs more events; see test/support/fuzz.mjs.
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { it } from 'node:test';
import fc from 'fast-check';
import { createHandler } from '../../src/handler.mjs';
import { loadConfig } from '../../src/config.mjs';
import { createMemoryStore } from '../../src/lib/stores/memory.mjs';
import { ACCEPTED_LOCAL_SECRETS, LOCAL_WEBHOOK_SECRETS } from '../../scripts/webhook-fixtures.mjs';
import { canaryFields, canaryLog } from '../support/canaries.mjs';
import { brokenJsonText, deepJsonText, fuzz, hostileText, invalidUtf8, nonObjectJsonText } from '../support/fuzz.mjs';
import { assertHttpContract, failingStore, httpEvents } from '../support/hostile-http.mjs';
import { httpEvent } from '../support/http-events.mjs';

/** @typedef {NonNullable<Parameters<typeof createHandler>[0]>} Options */
/** @typedef {ReturnType<typeof createHandler>} Handler */
/** @typedef {Awaited<ReturnType<Handler>>} Result */
/** @typedef {import('../../src/deliveries.mjs').Delivery} Delivery */

const config = { ...loadConfig({}), idempotencyStore: 'memory' };
const SCHEME = config.signatureScheme;
const NOW = 1_800_000_000;

/**
 * Signs like the provider does, with node:crypto: an independent check of src/lib/signatures.mjs.
 * @param { { secret: string, bytes: Buffer, eventId: string, timestamp: number, type: string } } delivery
 * @returns {Record<string, string>}
 */
function providerHeaders({ secret, bytes, eventId, timestamp, type }) {
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

/**
 * @param {object} delivery
 * @param {string} delivery.secret
 * @param {string} delivery.eventId
 * @param {number} delivery.timestamp  epoch seconds
 * @param {string} [delivery.type]
 * @param {string | Uint8Array} delivery.body
 * @param {boolean} [delivery.base64]
 * @param {string} [delivery.contentType]
 */
function signedDelivery({ secret, eventId, timestamp, type = 'invoice.paid', body, base64 = false, contentType = 'application/json' }) {
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
  .map(({ personal, ...fields }) => (/** @type {string} */ id) => JSON.stringify({ id, ...fields, ...personal }));
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

/** @param {Options} [overrides] */
function setup(overrides = {}) {
  const logs = canaryLog();
  /** @type {Delivery[]} */
  const deliveries = [];
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

/**
 * Checks one answer; the delivery must have been handed on exactly when it was accepted fresh.
 * @param {unknown} event
 * @param {(event: unknown) => Promise<Result>} invoke
 * @param { { logs: ReturnType<typeof canaryLog>, deliveries: Delivery[] } } harness
 * @param { { allowUnavailable?: boolean } } [options]
 */
async function checkOne(event, invoke, { logs, deliveries }, { allowUnavailable = false } = {}) {
  logs.clear();
  const before = deliveries.length;
  const result = await invoke(event);
  const body = assertHttpContract(result, { allowUnavailable });
  const acceptedNow = result.statusCode === 200 && result.headers['idempotent-replayed'] === undefined;
  assert.equal(deliveries.length - before, acceptedNow ? 1 : 0, `hand-offs for ${result.statusCode} ${result.body}`);
  if (acceptedNow) assert.equal(/** @type {Delivery} */ (deliveries.at(-1)).eventId, /** @type { { eventId?: unknown } } */ (body).eventId);
  logs.assertClean();
  return result;
}

it(`answers every hostile or signed delivery with JSON and never a 5xx (${SCHEME})`, async () => {
  const harness = setup();
  await fuzz({ target: 'webhook', handler: harness.handler, arbitrary: events, check: (event, invoke) => checkOne(event, invoke, harness) });
});

it('answers 503, and hands nothing on twice, while the store or the secrets are down', async () => {
  /** @type {Delivery[]} */
  const deliveries = [];
  const logs = canaryLog();
  /** @type {Options} */
  const shared = { write: logs.write, handOn: async (handed) => deliveries.push(handed) };
  /** @type {Record<string, Handler>} */
  const handlers = {
    claim: setup({ ...shared, store: failingStore(['claim']) }).handler,
    complete: setup({ ...shared, store: failingStore(['complete', 'release']) }).handler,
    everything: setup({ ...shared, store: failingStore(['claim', 'complete', 'release']) }).handler,
    // No secrets given and no secret store configured: the read fails like an outage.
    secrets: setup({ ...shared, secrets: undefined }).handler,
  };
  await fuzz({
    target: 'webhook with store outage',
    // A Lambda near its timeout (50 ms of budget left): a failing store gives up quickly, as it does then.
    handler: (/** @type { { outage: string, event: unknown } } */ { outage, event }, /** @type { { awsRequestId: string } } */ context) => handlers[outage](/** @type {Parameters<Handler>[0]} */ (event), { ...context, getRemainingTimeInMillis: () => 300 }),
    arbitrary: fc.record({ outage: fc.constantFrom(...Object.keys(handlers)), event: events }),
    check: async (input, invoke) => {
      const result = await checkOne(input, invoke, { logs, deliveries }, { allowUnavailable: true });
      if (input.outage !== 'complete') assert.notEqual(result.statusCode, 200);
    },
  });
});
