// The DynamoDB idempotency store against dynalite, a real DynamoDB emulator running
// in this process: the conditional write is what makes the claim atomic, so it is
// tested with real concurrent requests, not a stand-in.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createIdempotencyTable, startDynamoDb, type DynamoDbEmulator } from '../support/dynalite.ts';
import { createDynamoDbClient, createDynamoDbStore } from '../../src/lib/stores/dynamodb.ts';
import { openBudget } from '../../src/lib/deadline.ts';
import { runOnce } from '../../src/lib/idempotency.ts';
import type { Logger } from '../../src/lib/logger.ts';

const TABLE = 'idempotency-test';
const silent: Pick<Logger, 'error' | 'info' | 'warn'> = { error() {}, info() {}, warn() {} };
let dynamo: DynamoDbEmulator;

before(async () => {
  dynamo = await startDynamoDb();
  await createIdempotencyTable(TABLE);
});
after(async () => dynamo?.stop());

// dynalite answers 100 concurrent calls on the test's own thread, slower than DynamoDB: wide deadlines here.
const store = () => createDynamoDbStore({ tableName: TABLE, client: createDynamoDbClient({ timeoutMs: 30_000 }) });
const attempt = <R>(overrides: {
  key: string;
  execute: () => Promise<R & { retryable?: boolean }>;
  fingerprint?: string;
  ttlSeconds?: number;
  now?: () => number;
}) =>
  runOnce({ store: store(), fingerprint: 'fp-1', ttlSeconds: 3600, leaseSeconds: 30, log: silent, budget: openBudget(30_000), ...overrides });

describe('DynamoDB idempotency store', () => {
  it('lets exactly one of 100 concurrent claims for a key run its side effect', async () => {
    let sideEffects = 0;
    const results = await Promise.all(
      Array.from({ length: 100 }, () =>
        attempt({
          key: 'parallel-1',
          execute: async () => {
            sideEffects += 1;
            await new Promise((resolve) => setTimeout(resolve, 20));
            return { status: 202, body: 'done' };
          },
        }),
      ),
    );
    assert.equal(sideEffects, 1);
    assert.equal(results.filter((result) => result.kind === 'executed').length, 1);
    assert.ok(results.every((result) => ['executed', 'in_progress', 'replayed'].includes(result.kind)));
  });

  it('replays the stored result after completion and reports a different payload as a conflict', async () => {
    const stored = { status: 202, headers: { 'content-type': 'application/json' }, body: '{"id":"r-1"}' };
    await attempt({ key: 'replay-1', execute: async () => stored });
    const replay = await attempt({ key: 'replay-1', execute: async () => assert.fail('must not run twice') });
    assert.equal(replay.kind, 'replayed');
    assert.deepEqual(replay.result, stored);
    const conflict = await attempt({ key: 'replay-1', fingerprint: 'fp-other', execute: async () => assert.fail('must not run') });
    assert.equal(conflict.kind, 'conflict');
  });

  it('releases the claim when the side effect throws, so the retry runs', async () => {
    await assert.rejects(attempt({ key: 'release-1', execute: async () => { throw new Error('downstream failed'); } }));
    const retry = await attempt({ key: 'release-1', execute: async () => ({ status: 202, body: 'ok' }) });
    assert.equal(retry.kind, 'executed');
  });

  it('treats an expired record as absent even before DynamoDB TTL deletes it', async () => {
    let clock = 1_800_000_000;
    const now = () => clock;
    await attempt({ key: 'ttl-1', ttlSeconds: 60, now, execute: async () => ({ status: 202, body: 'first' }) });
    clock += 61;
    const later = await attempt({ key: 'ttl-1', ttlSeconds: 60, now, execute: async () => ({ status: 202, body: 'second' }) });
    assert.equal(later.kind, 'executed');
    assert.equal(later.result.body, 'second');
  });

  it('lets a new claim take over an in-progress record whose lease ended', async () => {
    let clock = 1_800_000_000;
    const now = () => clock;
    const claimedBy = store();
    const first = await claimedBy.claim({ key: 'lease-1', fingerprint: 'fp-1', token: 't1', now: clock, leaseUntil: clock + 30, expiresAt: clock + 3600 });
    assert.equal(first.claimed, true);
    const blocked = await attempt({ key: 'lease-1', now, execute: async () => assert.fail('lease still held') });
    assert.equal(blocked.kind, 'in_progress');
    clock += 31;
    const takeover = await attempt({ key: 'lease-1', now, execute: async () => ({ status: 202, body: 'recovered' }) });
    assert.equal(takeover.kind, 'executed');
  });

  it('answers unavailable, and runs nothing, when DynamoDB cannot be reached', async () => {
    const stopped = await startDynamoDb();
    await stopped.stop();
    // The SDK now points at the stopped emulator's port; nothing listens there.
    const unreachable = createDynamoDbStore({ tableName: TABLE });
    let ran = false;
    const result = await runOnce({
      store: unreachable,
      key: 'outage-1',
      fingerprint: 'fp',
      ttlSeconds: 60,
      leaseSeconds: 30,
      log: silent,
      execute: async () => {
        ran = true;
        return { status: 202 };
      },
    });
    assert.equal(result.kind, 'unavailable');
    assert.equal(ran, false);
    process.env.AWS_ENDPOINT_URL_DYNAMODB = dynamo.endpoint;
  });
});
