// The webhook receiver end to end with the in-memory store: the signature gates
// everything, the provider's event id makes redeliveries harmless.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createHandler } from '../../src/handler.ts';
import { loadConfig } from '../../src/config.ts';
import { signWebhook } from '../../src/lib/signatures.ts';
import { createMemoryStore } from '../../src/lib/stores/memory.ts';
import { httpEvent, logCollector } from '../support/http-events.ts';
import { OFFICIAL_SIGNERS } from '../support/official-signers.ts';
import type { Delivery, DeliveryHandOn } from '../../src/deliveries.ts';
import type { HttpEvent } from '../../src/lib/apigateway.ts';

const config = { ...loadConfig({}), idempotencyStore: 'memory' };
const SCHEME = config.signatureScheme;
const NOW = 1_800_000_000;
const secret = (label: string) => (SCHEME === 'github' ? `test-secret-${label}` : ['whsec', btoa(`test secret ${label}`)].join('_'));
const PAYLOAD = { id: 'evt_unit_1', type: 'invoice.paid', data: { amount: 1299 } };

function setup({ secrets = [secret('current')], handOn, loadFails = false }: {
  secrets?: string[];
  /** instead of recording in `deliveries` */
  handOn?: DeliveryHandOn;
  /** no secrets and no secret store: every read fails */
  loadFails?: boolean;
} = {}) {
  const logs = logCollector();
  const deliveries: Delivery[] = [];
  const handler = createHandler({
    config,
    store: createMemoryStore(),
    secrets: loadFails ? undefined : secrets,
    handOn: handOn ?? (async (delivery) => deliveries.push(delivery)),
    write: logs.write,
    now: () => NOW,
  });
  return { handler, logs, deliveries };
}

async function signedEvent({ payload = PAYLOAD, signWith = secret('current'), timestamp = NOW - 5, eventId = 'delivery-1', rawBody }: {
  /** sent as JSON */
  payload?: unknown;
  /** the secret */
  signWith?: string;
  /** epoch seconds */
  timestamp?: number;
  eventId?: string;
  /** sent instead of the payload */
  rawBody?: string;
} = {}) {
  const text = rawBody ?? JSON.stringify(payload);
  const headers = await signWebhook({ scheme: SCHEME, secret: signWith, rawBody: new TextEncoder().encode(text), eventId, timestamp });
  return httpEvent({ method: 'POST', path: '/webhook', headers: { 'content-type': 'application/json', ...headers }, body: text });
}

const json = (result: { body: string }) => JSON.parse(result.body);

describe(`webhook receiver (${SCHEME})`, () => {
  it('accepts a signed delivery once and hands it on', async () => {
    const { handler, deliveries } = setup();
    const result = await handler(await signedEvent(), {});
    assert.equal(result.statusCode, 200, result.body);
    assert.equal(json(result).received, true);
    assert.equal(deliveries.length, 1);
    assert.equal(deliveries[0].type, 'invoice.paid');
  });

  it('answers a redelivery from the store without handing it on again', async () => {
    const { handler, deliveries } = setup();
    const first = await handler(await signedEvent(), {});
    const again = await handler(await signedEvent(), {});
    assert.equal(again.statusCode, 200);
    assert.equal(again.body, first.body);
    assert.equal(again.headers['idempotent-replayed'], 'true');
    assert.equal(deliveries.length, 1);
  });

  for (const [library, signWith] of Object.entries(OFFICIAL_SIGNERS)) {
    it(`accepts a delivery signed by ${library}, once`, async () => {
      const { handler, deliveries } = setup();
      const body = JSON.stringify({ ...PAYLOAD, id: `evt_${library}` });
      const headers = await signWith({ secret: secret('current'), eventId: `delivery-${library}`, timestamp: NOW - 5, body });
      const event = () => httpEvent({ method: 'POST', path: '/webhook', headers: { 'content-type': 'application/json', ...headers }, body });
      const first = await handler(event(), {});
      assert.equal(first.statusCode, 200, first.body);
      const again = await handler(event(), {});
      assert.equal(again.headers['idempotent-replayed'], 'true');
      assert.equal(deliveries.length, 1);
    });
  }

  if (SCHEME !== 'standard_webhooks') {
    // Standard Webhooks signs its id, so a delivery without one cannot verify; Stripe and GitHub can.
    it('answers 400 missing_event_id for a signed delivery that names no event', async () => {
      const { handler, deliveries } = setup();
      const { id, ...withoutId } = PAYLOAD;
      const event = await signedEvent({ payload: withoutId });
      delete event.headers['x-github-delivery'];
      const result = await handler(event, {});
      assert.equal(result.statusCode, 400, result.body);
      assert.equal(json(result).error, 'missing_event_id');
      assert.equal(deliveries.length, 0);
    });
  }

  it('answers 401 without detail for a tampered body', async () => {
    const { handler, deliveries, logs } = setup();
    const event = await signedEvent();
    event.body = (event.body as string).replace('1299', '1');
    const result = await handler(event, {});
    assert.equal(result.statusCode, 401);
    assert.deepEqual(json(result), { type: 'about:blank', title: 'Unauthorized', status: 401, detail: 'The delivery could not be verified.', error: 'unauthorized' });
    assert.equal(deliveries.length, 0);
    assert.ok(logs.entries().some((entry) => entry.reason === 'no_matching_signature'));
    // The refused request's log line still names the route it tried.
    assert.ok(logs.entries().some((entry) => entry.message === 'request completed' && entry.route === 'POST /webhook' && entry.status === 401));
  });

  it('answers 401 for a delivery signed with the wrong secret', async () => {
    const { handler, deliveries } = setup();
    const result = await handler(await signedEvent({ signWith: secret('attacker') }), {});
    assert.equal(result.statusCode, 401);
    assert.equal(deliveries.length, 0);
  });

  it('accepts deliveries signed with either secret during a rotation', async () => {
    const { handler, deliveries } = setup({ secrets: [secret('new'), secret('current')] });
    const old = await handler(await signedEvent({ eventId: 'rot-1', payload: { ...PAYLOAD, id: 'evt_rot_1' } }), {});
    const fresh = await handler(await signedEvent({ eventId: 'rot-2', payload: { ...PAYLOAD, id: 'evt_rot_2' }, signWith: secret('new') }), {});
    assert.equal(old.statusCode, 200);
    assert.equal(fresh.statusCode, 200);
    assert.equal(deliveries.length, 2);
  });

  if (SCHEME !== 'github') {
    it('answers 401 for expired and future timestamps', async () => {
      const { handler, deliveries } = setup();
      const expired = await handler(await signedEvent({ timestamp: NOW - 301 }), {});
      const future = await handler(await signedEvent({ timestamp: NOW + 301 }), {});
      assert.equal(expired.statusCode, 401);
      assert.equal(future.statusCode, 401);
      assert.equal(deliveries.length, 0);
    });
  }

  it('checks the signature before the route, the body or the content type', async () => {
    const { handler } = setup();
    for (const event of [
      httpEvent({ method: 'GET', path: '/admin' }),
      httpEvent({ method: 'POST', path: '/webhook', headers: { 'content-type': 'text/plain' }, body: 'x' }),
    ]) {
      assert.equal((await handler(event, {})).statusCode, 401);
    }
  });

  it('answers 400 invalid_json for a signed body that is not JSON', async () => {
    const { handler, deliveries } = setup();
    const result = await handler(await signedEvent({ rawBody: '{"type":' }), {});
    assert.equal(result.statusCode, 400);
    assert.equal(json(result).error, 'invalid_json');
    assert.equal(deliveries.length, 0);
  });

  // Found by the fuzz: the fingerprint of a signed, deeply nested body overflowed the stack (500).
  it('answers 400 invalid_json, not 500, for a signed body nested thousands of levels deep', async () => {
    const { handler, deliveries } = setup();
    const depth = Math.min(10_000, Math.floor(config.maxBodyBytes / 2) - 50);
    const rawBody = `{"id":"evt_deep","type":"invoice.paid","data":${'['.repeat(depth)}${']'.repeat(depth)}}`;
    const result = await handler(await signedEvent({ rawBody }), {});
    assert.equal(result.statusCode, 400);
    assert.equal(json(result).error, 'invalid_json');
    assert.equal(deliveries.length, 0);
  });

  it('answers 503 when the secrets cannot be read, and hands nothing on', async () => {
    const { handler, deliveries } = setup({ loadFails: true });
    const result = await handler(await signedEvent(), {});
    assert.equal(result.statusCode, 503);
    assert.equal(deliveries.length, 0);
  });

  it('lets the provider retry after a failed hand-off', async () => {
    let attempts = 0;
    const { handler } = setup({
      handOn: async () => {
        attempts += 1;
        if (attempts === 1) throw new Error('downstream unavailable');
      },
    });
    assert.equal((await handler(await signedEvent(), {})).statusCode, 500);
    const retried = await handler(await signedEvent(), {});
    assert.equal(retried.statusCode, 200);
    assert.equal(retried.headers['idempotent-replayed'], undefined);
    assert.equal(attempts, 2);
  });

  it('never logs the signature header, the secret or the raw body', async () => {
    const { handler, logs } = setup();
    const event = await signedEvent();
    await handler(event, {});
    const text = logs.text();
    const [, signature] = Object.entries(event.headers).find(([name]) => /signature/.test(name)) as [string, string];
    assert.ok(!text.includes(secret('current')));
    assert.ok(!text.includes(signature));
    assert.doesNotMatch(text, /1299/);
  });

  it('never throws or answers 500 for hostile deliveries', async () => {
    const { handler } = setup();
    const headerSets: Record<string, string>[] = [
      {},
      { 'webhook-id': '', 'webhook-timestamp': 'NaN', 'webhook-signature': 'v1,' },
      { 'webhook-id': 'x', 'webhook-timestamp': '99999999999999999999', 'webhook-signature': 'v1,!!!' },
      { 'stripe-signature': 't=,v1=zz' },
      { 'stripe-signature': ',,,=,' },
      { 'x-hub-signature-256': 'sha256=' },
      { 'x-hub-signature-256': 'sha1=abc' },
    ];
    for (const headers of headerSets) {
      for (const body of [undefined, '', '{}', '\u0000']) {
        const result = await handler(httpEvent({ method: 'POST', path: '/webhook', headers: { 'content-type': 'application/json', ...headers }, body }), {});
        assert.equal(result.statusCode, 401, JSON.stringify(headers));
      }
    }
    for (const broken of ([{}, { headers: null }, { body: 5 }] as HttpEvent[])) assert.ok((await handler(broken, {})).statusCode < 500);
  });
});
