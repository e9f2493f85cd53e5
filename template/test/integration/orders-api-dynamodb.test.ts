// The deployed configuration end to end: the real handler, the DynamoDB store,
// dynalite in place of DynamoDB, and many identical requests at once.
import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { createIdempotencyTable, startDynamoDb, type DynamoDbEmulator } from '../support/dynalite.ts';
import { handlerAuth, jsonPost } from '../support/http-events.ts';
import { createHandler } from '../../src/handler.ts';
import { loadConfig } from '../../src/config.ts';
import type { Order } from '../../src/orders.ts';
import type { HttpResult } from '../../src/lib/apigateway.ts';

const TABLE = 'orders-idempotency';
let dynamo: DynamoDbEmulator;

before(async () => {
  dynamo = await startDynamoDb();
  await createIdempotencyTable(TABLE);
});
after(async () => dynamo?.stop());

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** `failFirst`: the first run of the side effect fails, like a payment service timing out. */
function handlerCountingSideEffects({ failFirst = false, accepted = [] }: {
  failFirst?: boolean;
  accepted?: Order[];
} = {}) {
  let attempts = 0;
  const handler = createHandler({
    ...handlerAuth,
    // dynalite answers 100 concurrent calls on the test's own thread, slower than DynamoDB: wide deadlines here.
    config: { ...loadConfig({}), idempotencyStore: 'dynamodb', idempotencyTable: TABLE, timeoutSeconds: 60, storeTimeoutMs: 30_000 },
    write: () => {},
    handOn: async (order) => {
      attempts += 1;
      await pause(25);
      if (failFirst && attempts === 1) throw new Error('payment service timed out');
      accepted.push(order);
    },
  });
  return { handler, accepted, attempts: () => attempts };
}

const order = (key: string) => jsonPost('/orders', { amount: 1299, currency: 'EUR' }, { 'idempotency-key': key });
const isReplay = (response: HttpResult) => response.headers['idempotent-replayed'] === 'true';

it('accepts an order once when 100 identical requests arrive together', async () => {
  const { handler, accepted } = handlerCountingSideEffects();
  const responses = await Promise.all(Array.from({ length: 100 }, () => handler(order('burst-1'), {})));
  const fresh = responses.filter((r) => r.statusCode === 202 && !isReplay(r));
  assert.equal(accepted.length, 1);
  assert.equal(fresh.length, 1);
  // The other 99 either found the key still running (409) or got the first answer replayed.
  const others = responses.filter((r) => r !== fresh[0]);
  assert.equal(others.length, 99);
  for (const response of others) {
    assert.ok(response.statusCode === 409 || (response.statusCode === 202 && isReplay(response)), response.body);
    if (response.statusCode === 202) assert.equal(response.body, fresh[0].body);
  }
});

it('releases the key when the side effect fails mid-burst, so the order is still accepted exactly once', async () => {
  const { handler, accepted, attempts } = handlerCountingSideEffects({ failFirst: true });
  let failureAnswered: (value?: unknown) => void;
  const failed = new Promise((resolve) => (failureAnswered = resolve));
  const send = () => handler(order('burst-fail'), {}).then((response) => (response.statusCode === 500 && failureAnswered(), response));
  // 50 requests, then (once the first attempt has failed and released the key) 50 more.
  const burst = Array.from({ length: 50 }, send);
  // (A broken store may never get that far: then the first half ends, and the checks below fail.)
  await Promise.race([failed, Promise.all(burst)]);
  burst.push(...Array.from({ length: 50 }, send));
  const responses = await Promise.all(burst);
  const retry = await handler(order('burst-fail'), {});

  assert.equal(responses.filter((r) => r.statusCode === 500).length, 1, 'one request saw the failure');
  assert.equal(accepted.length, 1, 'the order was accepted exactly once');
  assert.equal(attempts(), 2, 'one failed attempt, one that succeeded');
  assert.equal(retry.statusCode, 202);
  assert.equal(retry.headers['idempotent-replayed'], 'true');
  for (const response of responses.filter((r) => r.statusCode !== 500)) {
    assert.ok(response.statusCode === 409 || (response.statusCode === 202 && response.body === retry.body), response.body);
  }
});

it('replays the stored response from DynamoDB byte for byte', async () => {
  const { handler, accepted } = handlerCountingSideEffects();
  const first = await handler(order('stored-1'), {});
  const { handler: coldStart } = handlerCountingSideEffects({ accepted });
  const replay = await coldStart(order('stored-1'), {});
  assert.equal(replay.body, first.body);
  assert.equal(replay.headers['idempotent-replayed'], 'true');
  assert.equal(accepted.length, 1);
});

it('answers 503 without a side effect when the table does not exist', async () => {
  const accepted: Order[] = [];
  const handler = createHandler({
    ...handlerAuth,
    config: { ...loadConfig({}), idempotencyStore: 'dynamodb', idempotencyTable: 'no-such-table' },
    write: () => {},
    handOn: async (o) => accepted.push(o),
  });
  const response = await handler(order('missing-table'), {});
  assert.equal(response.statusCode, 503);
  assert.equal(JSON.parse(response.body).error, 'idempotency_store_unavailable');
  assert.equal(accepted.length, 0);
});
