// Fuzzing the SQS consumer with fast-check: batches of valid, nearly valid and hostile
// messages (ids reused across batches, bodies of every shape, broken records). Whatever
// arrives, the handler resolves (never throws: a thrown error would fail the whole batch),
// names only messages of the batch in batchItemFailures, processes each message id at
// most once, never processes an invalid message, and loses none: every message is either
// processed or reported failed. No secret or personal data reaches the logs.
// FUZZ_RUNS=10000 npm test runs more events; see test/support/fuzz.ts.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import fc from 'fast-check';
import { createHandler, type SqsEvent } from '../../src/handler.ts';
import { loadConfig } from '../../src/config.ts';
import { createMemoryStore } from '../../src/lib/stores/memory.ts';
import { CANARY, canaryLog } from '../support/canaries.ts';
import { sqsRecord, unreachableStore } from '../support/consumer-events.ts';
import { brokenJsonText, deepJsonText, enormousText, fuzz, hostileJsonValue, hostileText, nonObjectJsonText } from '../support/fuzz.ts';
import { isValidInvoice, invoiceMessage, otherPayload } from '../support/hostile-messages.ts';
import type { Invoice } from '../../src/messages.ts';
import type { SQSBatchResponse } from 'aws-lambda';

const config = { ...loadConfig({}), idempotencyStore: 'memory' };

// A few ids come back again and again: redeliveries, and reuse with another body.
const messageId = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom('msg-1', 'msg-2', 'msg-3', 'msg-4') },
  { weight: 8, arbitrary: fc.uuid() },
  { weight: 1, arbitrary: hostileText },
  { weight: 1, arbitrary: fc.constantFrom(undefined, null, 42, {}, ['msg-1'], { toString: 1 }) },
);
const body = fc.oneof(
  { weight: 6, arbitrary: invoiceMessage.map((invoice) => JSON.stringify(invoice)) },
  { weight: 1, arbitrary: otherPayload.map((payload) => JSON.stringify(payload)) },
  { weight: 1, arbitrary: fc.oneof(deepJsonText, nonObjectJsonText, brokenJsonText, enormousText) },
  // Not a string at all: SQS never sends that, a hand-written test event might.
  { weight: 1, arbitrary: hostileJsonValue },
);
const attributes = fc.oneof(
  { weight: 6, arbitrary: fc.integer({ min: 1, max: 10 }).map((count) => ({ ApproximateReceiveCount: String(count), SentTimestamp: '1795427990000' })) },
  { weight: 1, arbitrary: fc.record({ ApproximateReceiveCount: hostileJsonValue }) },
  { weight: 1, arbitrary: hostileJsonValue },
);
const record = fc.oneof(
  {
    weight: 16,
    arbitrary: fc.record({ messageId, body, attributes }).map((parts) => ({
      ...sqsRecord(''),
      ...parts,
      // Producers may put secrets in message attributes; they must not reach the logs either.
      messageAttributes: { authorization: { dataType: 'String', stringValue: CANARY.authorization } },
    })),
  },
  { weight: 1, arbitrary: hostileJsonValue },
);
const event = fc.oneof(
  { weight: 8, arbitrary: fc.array(record, { maxLength: 10 }).map((Records) => ({ Records })) },
  { weight: 1, arbitrary: fc.oneof(hostileJsonValue, fc.record({ Records: hostileJsonValue })) },
);

it('handles every batch without throwing, reporting failures by message id only', async () => {
  const logs = canaryLog();
  const processedIds: Set<string> = new Set();
  let processedNow: string[] = [];
  const recordSideEffect = async (message: Invoice, { messageId: id }: { messageId: string }) => {
    assert.ok(isValidInvoice(message), `side effect for an invalid message ${JSON.stringify(message)}`);
    assert.ok(!processedIds.has(id), `message ${id} processed twice`);
    processedIds.add(id);
    processedNow.push(id);
  };
  const handlers = {
    healthy: createHandler({ config, store: createMemoryStore(), write: logs.write, handOn: recordSideEffect }),
    down: createHandler({ config, store: unreachableStore, write: logs.write, handOn: recordSideEffect }),
  };
  await fuzz({
    target: 'sqs-consumer',
    handler: ({ store, event: sqsEvent }: { store: 'healthy' | 'down'; event: unknown }, context) =>
      handlers[store]((sqsEvent as SqsEvent), context),
    arbitrary: fc.record({ store: fc.oneof({ weight: 5, arbitrary: fc.constant('healthy') }, { weight: 1, arbitrary: fc.constant('down') }), event }),
    check: async (input, invoke) => {
      logs.clear();
      processedNow = [];
      const result: SQSBatchResponse = await invoke(input);
      assert.ok(Array.isArray(result?.batchItemFailures), 'the answer must carry batchItemFailures');

      const records: ({ messageId?: unknown } | null)[] = Array.isArray(input.event?.Records) ? input.event.Records : [];
      const ids = new Set(records.map((item) => item?.messageId).filter((id) => typeof id === 'string' && id !== '')) as Set<string>;
      const failed = new Set(result.batchItemFailures.map((failure) => failure?.itemIdentifier));
      for (const id of failed) {
        assert.equal(typeof id, 'string', 'itemIdentifier must be a string');
        // '' fails the whole batch: only for a record that has no id to name.
        assert.ok(ids.has(id) || (id === '' && records.some((item) => typeof item?.messageId !== 'string' || item.messageId === '')), `unknown id ${id}`);
      }
      for (const id of processedNow) assert.ok(ids.has(id), `processed ${id}, which is not in the batch`);
      if (input.store === 'down') assert.deepEqual(processedNow, [], 'nothing runs while the store is down');
      // No message is lost: it was processed (now or on an earlier delivery) or it is retried.
      if (!failed.has('')) for (const id of ids) assert.ok(processedIds.has(id) || failed.has(id), `message ${id} was dropped`);
      logs.assertClean();
    },
  });
});
