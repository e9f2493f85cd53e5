// The deployed configuration: the real handler with the DynamoDB store on dynalite.
// A provider that redelivers in a burst, or after a cold start, causes one hand-off.
import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { createIdempotencyTable, startDynamoDb, type DynamoDbEmulator } from '../support/dynalite.ts';
import { httpEvent } from '../support/http-events.ts';
import { createHandler } from '../../src/handler.ts';
import { loadConfig } from '../../src/config.ts';
import { signWebhook } from '../../src/lib/signatures.ts';
import type { Delivery } from '../../src/deliveries.ts';
import type { HttpResult } from '../../src/lib/apigateway.ts';

const TABLE = 'webhook-idempotency';
// dynalite answers 100 concurrent calls on this one thread: slower than DynamoDB, so the deadlines are wide here.
const config = { ...loadConfig({}), idempotencyStore: 'dynamodb', idempotencyTable: TABLE, timeoutSeconds: 60, storeTimeoutMs: 30_000 };
const secret = config.signatureScheme === 'github' ? 'integration-secret' : ['whsec', btoa('integration secret')].join('_');
let dynamo: DynamoDbEmulator;

before(async () => {
  dynamo = await startDynamoDb();
  await createIdempotencyTable(TABLE);
});
after(async () => dynamo?.stop());

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** `failFirst`: the first hand-off fails, like a downstream service timing out. */
function receiver(deliveries: Delivery[], { failFirst = false }: { failFirst?: boolean } = {}) {
  let attempts = 0;
  return createHandler({
    config,
    secrets: [secret],
    write: () => {},
    handOn: async (handed) => {
      attempts += 1;
      await pause(25);
      if (failFirst && attempts === 1) throw new Error('downstream unavailable');
      deliveries.push(handed);
    },
  });
}

async function delivery(eventId: string) {
  const body = JSON.stringify({ id: eventId, type: 'invoice.paid' });
  const headers = await signWebhook({
    scheme: config.signatureScheme,
    secret,
    rawBody: new TextEncoder().encode(body),
    eventId,
    timestamp: Math.floor(Date.now() / 1000),
  });
  return httpEvent({ method: 'POST', path: '/webhook', headers: { 'content-type': 'application/json', ...headers }, body });
}

const isReplay = (result: HttpResult) => result.headers['idempotent-replayed'] === 'true';

it('hands a delivery on once when 100 copies arrive together', async () => {
  const deliveries: Delivery[] = [];
  const handler = receiver(deliveries);
  const event = await delivery('burst-1');
  const results = await Promise.all(Array.from({ length: 100 }, () => handler(structuredClone(event), {})));
  assert.equal(deliveries.length, 1);
  const fresh = results.filter((result) => result.statusCode === 200 && !isReplay(result));
  assert.equal(fresh.length, 1);
  // The other 99 either found the delivery still running (409) or got the first answer replayed.
  for (const result of results.filter((other) => other !== fresh[0])) {
    assert.ok(result.statusCode === 409 || (result.statusCode === 200 && isReplay(result) && result.body === fresh[0].body), result.body);
  }
});

it('releases the event id when the hand-off fails mid-burst, so the delivery is handed on exactly once', async () => {
  const deliveries: Delivery[] = [];
  const handler = receiver(deliveries, { failFirst: true });
  const event = await delivery('burst-fail');
  let failureAnswered: (value?: unknown) => void;
  const failed = new Promise((resolve) => (failureAnswered = resolve));
  const send = () => handler(structuredClone(event), {}).then((result) => (result.statusCode === 500 && failureAnswered(), result));
  // 50 copies, then (once the first hand-off has failed and released the id) 50 more.
  const burst = Array.from({ length: 50 }, send);
  // (A broken store may never get that far: then the first half ends, and the checks below fail.)
  await Promise.race([failed, Promise.all(burst)]);
  burst.push(...Array.from({ length: 50 }, send));
  const results = await Promise.all(burst);
  const providerRetry = await handler(structuredClone(event), {});

  assert.equal(results.filter((result) => result.statusCode === 500).length, 1, 'one copy saw the failure');
  assert.equal(deliveries.length, 1, 'handed on exactly once');
  assert.equal(providerRetry.statusCode, 200);
  assert.ok(isReplay(providerRetry));
  for (const result of results.filter((other) => other.statusCode !== 500)) {
    assert.ok(result.statusCode === 409 || (result.statusCode === 200 && result.body === providerRetry.body), result.body);
  }
});

it('replays a delivery after a cold start from the record in DynamoDB', async () => {
  const deliveries: Delivery[] = [];
  const event = await delivery('cold-1');
  const first = await receiver(deliveries)(event, {});
  const replay = await receiver(deliveries)(structuredClone(event), {});
  assert.equal(replay.statusCode, 200);
  assert.equal(replay.body, first.body);
  assert.equal(replay.headers['idempotent-replayed'], 'true');
  assert.equal(deliveries.length, 1);
});
