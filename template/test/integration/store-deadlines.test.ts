// What the function does when DynamoDB stops answering, proven over real sockets: the
// handler's own DynamoDB client talks to a server that accepts and never answers, or to a
// proxy in front of dynalite that holds chosen calls open (test/support/stalling-proxy.ts).
// And what it does with a response too large for a DynamoDB item.
import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { createIdempotencyTable, startDynamoDb, type DynamoDbEmulator } from '../support/dynalite.ts';
import { handlerAuth, jsonPost } from '../support/http-events.ts';
import { startProxy, startSilentServer } from '../support/stalling-proxy.ts';
import { createHandler } from '../../src/handler.ts';
import { loadConfig, type Config } from '../../src/config.ts';
import { createApi } from '../../src/lib/api.ts';
import { jsonResponse } from '../../src/lib/http.ts';
import { createLogger } from '../../src/lib/logger.ts';
import { createDynamoDbStore } from '../../src/lib/stores/dynamodb.ts';
import type { Order } from '../../src/orders.ts';
import type { HttpEvent, HttpResult } from '../../src/lib/apigateway.ts';

const TABLE = 'deadline-idempotency';
const LAMBDA_TIMEOUT_MS = 3000;
let dynamo: DynamoDbEmulator;

before(async () => {
  dynamo = await startDynamoDb();
  await createIdempotencyTable(TABLE);
});
after(async () => dynamo?.stop());

/** The handler with its real DynamoDB client pointed at `endpoint`, and a recorded side effect. */
function handlerBehind(endpoint: string, { now }: { now?: () => number } = {}) {
  process.env.AWS_ENDPOINT_URL_DYNAMODB = endpoint;
  const handedOn: { order: Order; idempotencyKey: string }[] = [];
  const handler = createHandler({
    ...handlerAuth,
    config: { ...loadConfig({}), idempotencyStore: 'dynamodb', idempotencyTable: TABLE, storeTimeoutMs: 300 },
    write: () => {},
    handOn: async (order, { idempotencyKey }) => handedOn.push({ order, idempotencyKey }),
    now,
  });
  return { handedOn, handler };
}

/** One invocation with LAMBDA_TIMEOUT_MS left; fails if it is still running when Lambda would kill it. */
async function invokeBeforeTimeout(handler: ReturnType<typeof createHandler>, event: HttpEvent): Promise<HttpResult> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const killed: Promise<'timed out'> = new Promise((resolve) => (timer = setTimeout(() => resolve('timed out'), LAMBDA_TIMEOUT_MS)));
  const context = { awsRequestId: crypto.randomUUID(), getRemainingTimeInMillis: () => LAMBDA_TIMEOUT_MS };
  const result = await Promise.race([handler(event, context), killed]);
  clearTimeout(timer);
  assert.notEqual(result, 'timed out', 'the handler was still waiting when the function timed out');
  process.env.AWS_ENDPOINT_URL_DYNAMODB = dynamo.endpoint;
  return result as HttpResult;
}

const order = (key: string) => jsonPost('/orders', { amount: 1299, currency: 'EUR' }, { 'idempotency-key': key });

it('answers 503 with Retry-After before the timeout, and runs nothing, when DynamoDB accepts but never answers', async () => {
  const silent = await startSilentServer();
  try {
    const { handler, handedOn } = handlerBehind(silent.endpoint);
    const response = await invokeBeforeTimeout(handler, order('hung-claim'));
    assert.equal(response.statusCode, 503);
    assert.equal(JSON.parse(response.body).error, 'idempotency_store_unavailable');
    assert.ok(Number(response.headers['retry-after']) >= 1);
    assert.equal(handedOn.length, 0);
    assert.ok(silent.connections() >= 1, 'the request did reach the hung server');
  } finally {
    await silent.stop();
  }
});

it('retries a completing write that hangs, inside the budget, so a repeat is replayed', async () => {
  const proxy = await startProxy(dynamo.endpoint, { stall: (operation, count) => operation === 'UpdateItem' && count === 1 });
  try {
    const { handler, handedOn } = handlerBehind(proxy.endpoint);
    const first = await invokeBeforeTimeout(handler, order('hung-complete-once'));
    assert.equal(first.statusCode, 202);
    assert.deepEqual(proxy.stalled, ['UpdateItem']);
    assert.equal(proxy.seen.UpdateItem, 2, 'the complete was tried again');
    const repeat = await invokeBeforeTimeout(handlerBehind(dynamo.endpoint).handler, order('hung-complete-once'));
    assert.equal(repeat.headers['idempotent-replayed'], 'true');
    assert.equal(repeat.body, first.body);
    assert.equal(handedOn.length, 1);
  } finally {
    await proxy.stop();
  }
});

it('answers in time when every completing write hangs; the one later duplicate carries the same downstream key', async () => {
  let clock = 1_800_000_000;
  const now = () => clock;
  const proxy = await startProxy(dynamo.endpoint, { stall: (operation) => operation === 'UpdateItem' });
  try {
    const { handler, handedOn } = handlerBehind(proxy.endpoint, { now });
    const first = await invokeBeforeTimeout(handler, order('hung-complete-always'));
    assert.equal(first.statusCode, 202, 'the side effect ran: its answer is given');
    assert.ok(proxy.seen.UpdateItem >= 2);
    // The record stays "in progress" until its lease ends: a quick retry waits (409)…
    const { handler: healthy, handedOn: later } = handlerBehind(dynamo.endpoint, { now });
    assert.equal((await invokeBeforeTimeout(healthy, order('hung-complete-always'))).statusCode, 409);
    // …and a retry after the lease runs the side effect again, with the same key for downstream to drop it.
    clock += loadConfig({}).leaseSeconds + 1;
    assert.equal((await invokeBeforeTimeout(healthy, order('hung-complete-always'))).statusCode, 202);
    assert.equal(handedOn.length + later.length, 2);
    assert.equal(later[0].idempotencyKey, handedOn[0].idempotencyKey);
  } finally {
    await proxy.stop();
  }
});

it('records a response too large for a DynamoDB item as completed, and never runs it again', async () => {
  let clock = 1_800_000_000;
  let runs = 0;
  const big = 'x'.repeat(500 * 1024);
  const api = createApi({
    routes: [
      {
        method: 'POST',
        path: '/reports',
        body: 'json',
        idempotent: true,
        handle: async () => {
          runs += 1;
          return jsonResponse(201, { report: big });
        },
      },
    ],
    store: createDynamoDbStore({ tableName: TABLE }),
    config: { ...loadConfig({}), idempotencyStore: 'dynamodb' } as Config,
    logger: createLogger({ write: () => {} }),
    now: () => clock,
  });
  const post = () => api({ method: 'POST', path: '/reports', headers: { 'content-type': 'application/json', 'idempotency-key': '"big-1"' }, body: new TextEncoder().encode('{}') });
  const first = await post();
  assert.equal(first.status, 201);
  assert.equal(JSON.parse(first.body).report.length, big.length);
  // Past the lease: had the record stayed "in progress", this would run the report again.
  clock += loadConfig({}).leaseSeconds + 1;
  const repeat = await post();
  assert.equal(runs, 1);
  assert.equal(repeat.status, 201);
  assert.equal(repeat.headers['idempotent-replayed'], 'true');
  assert.deepEqual({ ...JSON.parse(repeat.body), detail: undefined }, { status: 201, bodyStored: false, detail: undefined });
  assert.match(JSON.parse(repeat.body).detail, /larger than the idempotency store keeps/);
});
