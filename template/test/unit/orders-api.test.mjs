// The HTTP contract of the orders API, run against the real handler with the
// in-memory idempotency store. The DynamoDB store is proven in test/integration.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createHandler } from '../../src/handler.mjs';
import { loadConfig } from '../../src/config.mjs';
import { createMemoryStore } from '../../src/lib/stores/memory.mjs';
import { handlerAuth, httpEvent, jsonPost, logCollector } from '../support/http-events.mjs';

const ORDER = { amount: 1299, currency: 'EUR' };

function setup({ handOn, store = createMemoryStore(), config = {} } = {}) {
  const logs = logCollector();
  const sideEffects = [];
  const handler = createHandler({
    ...handlerAuth,
    config: { ...loadConfig({}), idempotencyStore: 'memory', ...config },
    store,
    write: logs.write,
    handOn: handOn ?? (async (order) => sideEffects.push(order)),
  });
  const call = async (event) => {
    const result = await handler(event, { awsRequestId: 'test-request' });
    return { ...result, json: JSON.parse(result.body) };
  };
  return { call, logs, sideEffects, store };
}

const postOrder = (key, payload = ORDER, headers = {}) =>
  jsonPost('/orders', payload, key === undefined ? headers : { 'idempotency-key': key, ...headers });

describe('routes', () => {
  it('answers GET /health with 200', async () => {
    const { call } = setup();
    const response = await call(httpEvent({ method: 'GET', path: '/health' }));
    assert.equal(response.statusCode, 200);
    assert.deepEqual(response.json, { status: 'ok' });
  });

  it('accepts an order with 202 and the documented body', async () => {
    const { call, sideEffects } = setup();
    const response = await call(postOrder('key-1'));
    assert.equal(response.statusCode, 202);
    assert.match(response.json.orderId, /^[0-9a-f-]{36}$/);
    assert.deepEqual({ ...response.json, orderId: undefined }, { orderId: undefined, status: 'accepted', ...ORDER });
    assert.equal(sideEffects.length, 1);
  });

  it('answers an unknown path with a JSON 404', async () => {
    const { call } = setup();
    const response = await call(httpEvent({ method: 'GET', path: '/admin' }));
    assert.equal(response.statusCode, 404);
    assert.equal(response.json.error, 'not_found');
  });

  it('answers a known path with the wrong method with 405 and Allow', async () => {
    const { call } = setup();
    const response = await call(httpEvent({ method: 'DELETE', path: '/orders' }));
    assert.equal(response.statusCode, 405);
    assert.equal(response.headers.allow, 'POST');
    assert.equal(response.json.error, 'method_not_allowed');
  });
});

describe('request bodies', () => {
  it('refuses a non-JSON content type with 415', async () => {
    const { call, sideEffects } = setup();
    const response = await call(postOrder('k', 'amount=1', { 'content-type': 'text/plain' }));
    assert.equal(response.statusCode, 415);
    assert.equal(response.json.error, 'unsupported_media_type');
    assert.equal(sideEffects.length, 0);
  });

  it('accepts application/json with a charset and +json media types', async () => {
    const { call } = setup();
    const charset = await call(postOrder('k1', ORDER, { 'content-type': 'application/json; charset=utf-8' }));
    const vendor = await call(postOrder('k2', ORDER, { 'content-type': 'application/vnd.orders+json' }));
    assert.equal(charset.statusCode, 202);
    assert.equal(vendor.statusCode, 202);
  });

  it('refuses a body over the size limit with 413', async () => {
    const { call } = setup({ config: { maxBodyBytes: 100 } });
    const padded = { ...ORDER, note: 'x'.repeat(200) };
    const response = await call(postOrder('k', padded));
    assert.equal(response.statusCode, 413);
    assert.equal(response.json.error, 'payload_too_large');
  });

  it('answers malformed JSON with 400 invalid_json', async () => {
    const { call } = setup();
    const response = await call(postOrder('k', '{"amount":1299,'));
    assert.equal(response.statusCode, 400);
    assert.equal(response.json.error, 'invalid_json');
  });

  it('answers JSON that fails validation with 400 invalid_input and field details', async () => {
    const { call } = setup();
    const response = await call(postOrder('k', { amount: -5, currency: 'euro' }));
    assert.equal(response.statusCode, 400);
    assert.equal(response.json.error, 'invalid_input');
    assert.deepEqual(response.json.details.map((detail) => detail.field).sort(), ['amount', 'currency']);
  });

  it('rejects non-integer, unsafe and non-object inputs', async () => {
    const { call } = setup();
    for (const payload of [{ amount: 12.5, currency: 'EUR' }, { amount: 2 ** 60, currency: 'EUR' }, [ORDER], 'order', null]) {
      const response = await call(postOrder(`k-${JSON.stringify(payload)}`, JSON.stringify(payload)));
      assert.equal(response.statusCode, 400, JSON.stringify(payload));
      assert.equal(response.json.error, 'invalid_input');
    }
  });

  it('decodes base64 bodies', async () => {
    const { call } = setup();
    const event = httpEvent({
      method: 'POST',
      path: '/orders',
      headers: { 'content-type': 'application/json', 'idempotency-key': 'b64' },
      body: JSON.stringify(ORDER),
      base64: true,
    });
    const response = await call(event);
    assert.equal(response.statusCode, 202);
    assert.equal(response.json.amount, 1299);
  });
});

describe('idempotency', () => {
  it('requires an Idempotency-Key on POST /orders', async () => {
    const { call, sideEffects } = setup();
    const response = await call(postOrder(undefined));
    assert.equal(response.statusCode, 400);
    assert.equal(response.json.error, 'idempotency_key_missing');
    assert.equal(sideEffects.length, 0);
  });

  it('refuses keys that are too long or not printable ASCII', async () => {
    const { call } = setup();
    for (const key of ['x'.repeat(256), 'clé', 'two words']) {
      const response = await call(postOrder(key));
      assert.equal(response.statusCode, 400, key);
      assert.equal(response.json.error, 'invalid_idempotency_key');
    }
  });

  it('replays the first response byte for byte, marked Idempotent-Replayed, without a second side effect', async () => {
    const { call, sideEffects } = setup();
    const first = await call(postOrder('same'));
    const second = await call(postOrder('same'));
    assert.equal(second.statusCode, first.statusCode);
    assert.equal(second.body, first.body);
    assert.equal(second.headers['idempotent-replayed'], 'true');
    assert.equal(first.headers['idempotent-replayed'], undefined);
    assert.equal(sideEffects.length, 1);
  });

  it('treats the same JSON with its keys in another order as the same request', async () => {
    const { call, sideEffects } = setup();
    await call(postOrder('reordered', '{"amount":1299,"currency":"EUR"}'));
    const again = await call(postOrder('reordered', '{"currency":"EUR","amount":1299}'));
    assert.equal(again.statusCode, 202);
    assert.equal(again.headers['idempotent-replayed'], 'true');
    assert.equal(sideEffects.length, 1);
  });

  it('answers 422 when a key is reused with a different payload', async () => {
    const { call, sideEffects } = setup();
    await call(postOrder('reused'));
    const response = await call(postOrder('reused', { amount: 4999, currency: 'EUR' }));
    assert.equal(response.statusCode, 422);
    assert.equal(response.json.error, 'idempotency_key_reused');
    assert.equal(sideEffects.length, 1);
  });

  it('answers 409 with Retry-After while the first request is still running', async () => {
    let started;
    let finish;
    const sideEffectStarted = new Promise((resolve) => (started = resolve));
    const running = new Promise((resolve) => (finish = resolve));
    const { call } = setup({
      handOn: () => {
        started();
        return running;
      },
    });
    const first = call(postOrder('slow'));
    // Wait until the first request holds the key and is inside its side effect.
    await sideEffectStarted;
    const second = await call(postOrder('slow'));
    assert.equal(second.statusCode, 409);
    assert.equal(second.json.error, 'request_in_progress');
    assert.ok(Number(second.headers['retry-after']) >= 1);
    finish();
    assert.equal((await first).statusCode, 202);
  });

  it('releases the key when the side effect fails, so a retry runs', async () => {
    let attempts = 0;
    const { call, logs } = setup({
      handOn: async () => {
        attempts += 1;
        if (attempts === 1) throw new Error('payment service timed out');
      },
    });
    const failed = await call(postOrder('retry-me'));
    assert.equal(failed.statusCode, 500);
    assert.equal(failed.json.error, 'internal_error');
    assert.doesNotMatch(failed.body, /payment service|at .*\.mjs/, 'no internals in the response');
    const retried = await call(postOrder('retry-me'));
    assert.equal(retried.statusCode, 202);
    assert.equal(retried.headers['idempotent-replayed'], undefined);
    assert.equal(attempts, 2);
    assert.ok(logs.entries().some((entry) => entry.level === 'error' && entry.error?.message === 'payment service timed out'));
  });

  it('forgets a key after the TTL', async () => {
    let clock = 1_800_000_000;
    const store = createMemoryStore();
    const { sideEffects } = setup();
    const handler = createHandler({
      ...handlerAuth,
      config: { ...loadConfig({}), idempotencyStore: 'memory', idempotencyTtlSeconds: 60 },
      store,
      write: () => {},
      handOn: async (order) => sideEffects.push(order),
      now: () => clock,
    });
    await handler(postOrder('ttl'), {});
    clock += 59;
    assert.equal((await handler(postOrder('ttl'), {})).headers['idempotent-replayed'], 'true');
    clock += 2;
    const afterTtl = await handler(postOrder('ttl'), {});
    assert.equal(afterTtl.statusCode, 202);
    assert.equal(afterTtl.headers['idempotent-replayed'], undefined);
    assert.equal(sideEffects.length, 2);
  });

  it('answers 503 with Retry-After and runs nothing when the store is down', async () => {
    const broken = {
      claim: async () => {
        throw new Error('connect ECONNREFUSED');
      },
      complete: async () => {},
      release: async () => {},
    };
    const { call, sideEffects } = setup({ store: broken });
    const response = await call(postOrder('down'));
    assert.equal(response.statusCode, 503);
    assert.equal(response.json.error, 'idempotency_store_unavailable');
    assert.equal(response.headers['retry-after'], '1');
    assert.equal(sideEffects.length, 0);
  });
});

describe('logging', () => {
  it('writes one JSON line per request with level, message, correlation id, route, status and duration', async () => {
    const { call, logs } = setup();
    await call(postOrder('log-1', ORDER, { 'x-correlation-id': 'checkout-42' }));
    const completed = logs.entries().filter((entry) => entry.message === 'request completed');
    assert.equal(completed.length, 1);
    const [entry] = completed;
    assert.equal(entry.level, 'info');
    assert.equal(entry.correlationId, 'checkout-42');
    assert.equal(entry.route, 'POST /orders');
    assert.equal(entry.status, 202);
    assert.equal(typeof entry.durationMs, 'number');
  });

  it('echoes a valid x-correlation-id and replaces one that could forge log lines', async () => {
    const { call } = setup();
    const kept = await call(httpEvent({ path: '/health', headers: { 'x-correlation-id': 'abc-123' } }));
    const forged = httpEvent({ path: '/health', headers: { 'x-correlation-id': 'evil\n{"level":"error"}' } });
    const replaced = await call(forged);
    assert.equal(kept.headers['x-correlation-id'], 'abc-123');
    assert.equal(replaced.headers['x-correlation-id'], forged.requestContext.requestId);
  });

  it('never logs authorization, cookies, secrets or raw bodies', async () => {
    const { call, logs } = setup();
    const secretBody = { ...ORDER, cardNumber: '4111111111111111' };
    await call(
      postOrder('log-2', secretBody, {
        authorization: 'Bearer very-secret-token',
        cookie: 'session=abc',
      }),
    );
    const text = logs.text();
    assert.doesNotMatch(text, /very-secret-token|session=abc|4111111111111111/);
  });
});

// Hostile input is fuzzed in fuzz-orders-api.test.mjs; these are the cases worth naming,
// among them every input the fuzz found a bug with.
describe('hostile input', () => {
  it('answers events that are not HTTP API events with a JSON 4xx', async () => {
    const { call } = setup();
    for (const broken of [{}, { requestContext: null }, { rawPath: 5, headers: 'x' }, { body: 'e30=', isBase64Encoded: true }, { headers: null, body: 5 }]) {
      const response = await call(broken);
      assert.ok(response.statusCode >= 400 && response.statusCode < 500, JSON.stringify(broken));
    }
  });

  it('answers invalid UTF-8 with 400 invalid_json', async () => {
    const { call } = setup();
    const event = httpEvent({
      method: 'POST',
      path: '/orders',
      headers: { 'content-type': 'application/json', 'idempotency-key': 'utf8' },
      body: Buffer.from([0x7b, 0xff, 0xfe, 0x7d]),
      base64: true,
    });
    const response = await call(event);
    assert.equal(response.statusCode, 400);
    assert.equal(response.json.error, 'invalid_json');
  });

  it('answers a body nested deeper than 64 levels with 400 invalid_json, not a stack overflow', async () => {
    const { call, sideEffects } = setup();
    const deep = `{"amount":1299,"currency":"EUR","note":${'['.repeat(1_000)}${']'.repeat(1_000)}}`;
    const response = await call(postOrder('deep', deep));
    assert.equal(response.statusCode, 400);
    assert.equal(response.json.error, 'invalid_json');
    assert.equal(sideEffects.length, 0);
    const nested64 = `{"amount":1299,"currency":"EUR","note":${'['.repeat(63)}${']'.repeat(63)}}`;
    assert.equal((await call(postOrder('deep-ok', nested64))).statusCode, 202);
  });

  // Found by the fuzz: an object here became the x-correlation-id header, which API Gateway rejects.
  it('uses its own request id when the event carries one that is not a plain string', async () => {
    const { call } = setup();
    for (const requestId of [{}, '', 'two words', 'x'.repeat(201)]) {
      const event = httpEvent({ method: 'GET', path: '/health' });
      event.requestContext.requestId = requestId;
      const response = await call(event);
      assert.equal(response.statusCode, 200);
      assert.equal(response.headers['x-correlation-id'], 'test-request');
    }
  });
});
