// The x-api-key check runs before anything else: a refused caller never reaches the
// body checks, the idempotency store or the side effect.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { createHandler } from '../../src/handler.ts';
import { loadConfig } from '../../src/config.ts';
import { createMemoryStore } from '../../src/lib/stores/memory.ts';
import { jsonPost, logCollector } from '../support/http-events.ts';

const ORDER = { amount: 1299, currency: 'EUR' };

function setup(options?: Parameters<typeof createHandler>[0]) {
  const accepted: unknown[] = [];
  const logs = logCollector();
  const handler = createHandler({
    config: { ...loadConfig({}), idempotencyStore: 'memory', apiKeysSecretId: '', apiKeysParameter: '' },
    store: createMemoryStore(),
    write: logs.write,
    handOn: async (order) => accepted.push(order),
    ...options,
  });
  return { handler, accepted, logs };
}

const order = (apiKey: string) => jsonPost('/orders', ORDER, { 'idempotency-key': `k-${apiKey}`, 'x-api-key': apiKey });

it('answers 401 without detail, and runs nothing, for a missing or unknown key', async () => {
  const { handler, accepted } = setup({ apiKeys: ['current-key'] });
  const missing = jsonPost('/orders', ORDER, { 'idempotency-key': 'no-key' });
  delete missing.headers['x-api-key'];
  for (const event of [missing, order('wrong-key'), order('')]) {
    const result = await handler(event, {});
    assert.equal(result.statusCode, 401);
    assert.deepEqual(JSON.parse(result.body), { type: 'about:blank', title: 'Unauthorized', status: 401, detail: 'A valid x-api-key header is required.', error: 'unauthorized' });
  }
  assert.equal(accepted.length, 0);
});

it('accepts every key of a rotation pair', async () => {
  const { handler, accepted } = setup({ apiKeys: ['new-key', 'old-key'] });
  assert.equal((await handler(order('new-key'), {})).statusCode, 202);
  assert.equal((await handler(order('old-key'), {})).statusCode, 202);
  assert.equal(accepted.length, 2);
});

it('answers 503 and runs nothing when the key store cannot be read', async () => {
  const { handler, accepted, logs } = setup({
    apiKeys: async () => {
      throw new Error('AccessDeniedException');
    },
  });
  const result = await handler(order('any-key'), {});
  assert.equal(result.statusCode, 503);
  assert.equal(result.headers['retry-after'], '5');
  assert.equal(accepted.length, 0);
  assert.ok(logs.entries().some((entry) => entry.message === 'api keys unavailable'));
});

it('answers 503 when no key store is configured, instead of letting callers in', async () => {
  const { handler, accepted } = setup();
  const result = await handler(order('any-key'), {});
  assert.equal(result.statusCode, 503);
  assert.equal(accepted.length, 0);
});

it('never writes the supplied key to the logs', async () => {
  const { handler, logs } = setup({ apiKeys: ['current-key'] });
  await handler(order('current-key'), {});
  await handler(order('guessed-key-123'), {});
  assert.doesNotMatch(logs.text(), /current-key|guessed-key-123/);
});

it('gives two API-key callers that send the same Idempotency-Key and payload each their own order', async () => {
  const { handler, accepted } = setup({ apiKeys: ['key-of-shop-a', 'key-of-shop-b'] });
  const send = (apiKey: string) => handler(jsonPost('/orders', ORDER, { 'idempotency-key': 'shared-key', 'x-api-key': apiKey }), {});
  const first = await send('key-of-shop-a');
  const second = await send('key-of-shop-b');
  assert.equal(second.statusCode, 202);
  assert.equal(second.headers['idempotent-replayed'], undefined, "another caller's response is never replayed");
  assert.notEqual(JSON.parse(second.body).orderId, JSON.parse(first.body).orderId);
  assert.equal(accepted.length, 2);
  // The same caller again: its own first answer.
  const repeat = await send('key-of-shop-a');
  assert.equal(repeat.headers['idempotent-replayed'], 'true');
  assert.equal(repeat.body, first.body);
  assert.equal(accepted.length, 2);
});
