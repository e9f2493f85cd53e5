// The SQS consumer with the in-memory store: partial batch failures, per-message
// dedupe, poison messages reported until SQS moves them to the dead-letter queue.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createHandler, type HandOn, type SqsEvent } from '../../src/handler.ts';
import { loadConfig } from '../../src/config.ts';
import { createMemoryStore } from '../../src/lib/stores/memory.ts';
import { logCollector, sqsRecord, unreachableStore, type LogEntry } from '../support/consumer-events.ts';
import type { IdempotencyStore } from '../../src/lib/idempotency.ts';
import type { Invoice } from '../../src/messages.ts';
import type { SQSBatchResponse } from 'aws-lambda';

const INVOICE = { invoiceId: 'inv-1', amount: 1299, currency: 'EUR' };


function setup({ handOn, store = createMemoryStore() }: { handOn?: HandOn; store?: IdempotencyStore } = {}) {
  const logs = logCollector();
  const processed: Invoice[] = [];
  const handler = createHandler({
    config: { ...loadConfig({}), idempotencyStore: 'memory' },
    store,
    write: logs.write,
    handOn: handOn ?? (async (message) => processed.push(message)),
  });
  return { handler, logs, processed };
}

const failedIds = (result: SQSBatchResponse) => result.batchItemFailures.map((failure) => failure.itemIdentifier);

describe('SQS consumer', () => {
  it('processes every valid message and reports no failures', async () => {
    const { handler, processed } = setup();
    const result = await handler({ Records: [sqsRecord(INVOICE), sqsRecord({ ...INVOICE, invoiceId: 'inv-2' })] }, {});
    assert.deepEqual(result, { batchItemFailures: [] });
    assert.deepEqual(processed.map((message) => message.invoiceId), ['inv-1', 'inv-2']);
  });

  it('reports only the failed messages in batchItemFailures', async () => {
    const { handler, processed } = setup({
      handOn: async (message) => {
        if (message.invoiceId === 'inv-boom') throw new Error('downstream failed');
        processed.push(message);
      },
    });
    const good = sqsRecord(INVOICE);
    const badJson = sqsRecord('{"invoiceId":');
    const invalid = sqsRecord({ invoiceId: 'x', amount: -1, currency: 'eur' });
    const throwing = sqsRecord({ ...INVOICE, invoiceId: 'inv-boom' });
    const result = await handler({ Records: [good, badJson, invalid, throwing] }, {});
    assert.deepEqual(failedIds(result), [badJson.messageId, invalid.messageId, throwing.messageId]);
    assert.equal(processed.length, 1);
  });

  it('processes a redelivered message once, by messageId', async () => {
    const { handler, processed } = setup();
    const record = sqsRecord(INVOICE);
    await handler({ Records: [record] }, {});
    const redelivery = await handler({ Records: [{ ...record, attributes: { ApproximateReceiveCount: '2' } }] }, {});
    assert.deepEqual(redelivery, { batchItemFailures: [] });
    assert.equal(processed.length, 1);
  });

  it('fails a message whose messageId was processed with another body, so it reaches the DLQ', async () => {
    const { handler, logs, processed } = setup();
    const record = sqsRecord(INVOICE);
    await handler({ Records: [record] }, {});
    const reused = await handler({ Records: [{ ...record, body: JSON.stringify({ ...INVOICE, amount: 4999 }) }] }, {});
    assert.deepEqual(failedIds(reused), [record.messageId]);
    assert.equal(processed.length, 1);
    assert.ok(logs.entries().some((entry) => entry.message === 'record key reused with a different payload' && entry.level === 'error'));
  });

  it('retries a message whose side effect failed, and then processes it', async () => {
    let attempts = 0;
    const { handler } = setup({
      handOn: async () => {
        attempts += 1;
        if (attempts === 1) throw new Error('timeout');
      },
    });
    const record = sqsRecord(INVOICE);
    assert.deepEqual(failedIds(await handler({ Records: [record] }, {})), [record.messageId]);
    assert.deepEqual(await handler({ Records: [record] }, {}), { batchItemFailures: [] });
    assert.equal(attempts, 2);
  });

  it('keeps reporting a poison message so SQS moves it to the DLQ after maxReceiveCount', async () => {
    const { handler, logs } = setup();
    const poison = sqsRecord('not json', { receiveCount: 5 });
    assert.deepEqual(failedIds(await handler({ Records: [poison] }, {})), [poison.messageId]);
    const entry = logs.entries().find((line) => line.message === 'message rejected') as LogEntry;
    assert.equal(entry.receiveCount, 5);
    assert.doesNotMatch(logs.text(), /not json/, 'message bodies are not logged');
  });

  it('fails every message, and runs nothing, when the store is unreachable', async () => {
    const { handler, processed } = setup({ store: unreachableStore });
    const records = [sqsRecord(INVOICE), sqsRecord({ ...INVOICE, invoiceId: 'inv-2' })];
    const result = await handler({ Records: records }, {});
    assert.deepEqual(failedIds(result), records.map((record) => record.messageId));
    assert.equal(processed.length, 0);
  });

  // Found by the fuzz: a messageId that is not a string went into batchItemFailures as is,
  // and an attribute that cannot become a number threw a TypeError for the whole batch.
  it('names only string message ids, and never throws on odd attributes', async () => {
    const { handler, processed } = setup();
    const odd = { ...sqsRecord(INVOICE), messageId: { toString: 1 }, attributes: { ApproximateReceiveCount: { valueOf: {}, toString: {} } } };
    const oddCount = { ...sqsRecord(INVOICE), attributes: { ApproximateReceiveCount: { valueOf: {}, toString: {} } } };
    const result = await handler((({ Records: [odd, oddCount] } as unknown) as SqsEvent), {});
    assert.deepEqual(result, { batchItemFailures: [{ itemIdentifier: '' }] });
    assert.equal(processed.length, 1);
  });

  it('never throws, whatever the event', async () => {
    const { handler } = setup();
    for (const event of ([undefined, null, {}, { Records: 'x' }, { Records: [null, 5, {}, { messageId: 'm', body: null }] }] as unknown[])) {
      const result = await handler((event as SqsEvent), {});
      assert.ok(Array.isArray(result.batchItemFailures));
    }
  });
});
