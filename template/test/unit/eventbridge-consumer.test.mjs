// The EventBridge consumer with the in-memory store: one side effect per event id,
// and every event it cannot process is thrown on purpose so Lambda retries it and
// then sends it to the dead-letter queue.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createHandler } from '../../src/handler.mjs';
import { loadConfig } from '../../src/config.mjs';
import { createMemoryStore } from '../../src/lib/stores/memory.mjs';
import { eventBridgeEvent, logCollector, unreachableStore } from '../support/consumer-events.mjs';

const INVOICE = { invoiceId: 'inv-1', amount: 1299, currency: 'EUR' };

/** @typedef {Parameters<ReturnType<typeof createHandler>>[0]} Event */

/**
 * @param {object} [options]
 * @param {import('../../src/handler.mjs').HandOn} [options.handOn]
 * @param {import('../../src/lib/idempotency.mjs').IdempotencyStore} [options.store]
 */
function setup({ handOn, store = createMemoryStore() } = {}) {
  const logs = logCollector();
  /** @type {import('../../src/messages.mjs').Invoice[]} */
  const processed = [];
  const handler = createHandler({
    config: { ...loadConfig({}), idempotencyStore: 'memory' },
    store,
    write: logs.write,
    handOn: handOn ?? (async (message) => processed.push(message)),
  });
  return { handler, logs, processed };
}

/** @param {string} reason */
const notProcessed = (reason) => (/** @type {Error & { reason?: string }} */ error) => error.name === 'EventNotProcessedError' && error.reason === reason;

describe('EventBridge consumer', () => {
  it('processes a valid event', async () => {
    const { handler, processed } = setup();
    assert.deepEqual(await handler(eventBridgeEvent(INVOICE), {}), { status: 'done' });
    assert.deepEqual(processed, [INVOICE]);
  });

  it('processes an event delivered twice once, by its id', async () => {
    const { handler, processed } = setup();
    const event = eventBridgeEvent(INVOICE);
    await handler(event, {});
    assert.deepEqual(await handler(structuredClone(event), {}), { status: 'duplicate' });
    assert.equal(processed.length, 1);
  });

  it('throws for an invalid event, so it ends in the DLQ, without running the side effect', async () => {
    const { handler, processed } = setup();
    await assert.rejects(handler(eventBridgeEvent({ invoiceId: '', amount: 'x' }), {}), notProcessed('invalid'));
    await assert.rejects(handler(/** @type {Event} */ (/** @type {unknown} */ ({ ...eventBridgeEvent(INVOICE), id: undefined })), {}), notProcessed('invalid'));
    assert.equal(processed.length, 0);
  });

  it('throws when the side effect fails, then succeeds on the retry', async () => {
    let attempts = 0;
    const { handler } = setup({
      handOn: async () => {
        attempts += 1;
        if (attempts === 1) throw new Error('downstream failed');
      },
    });
    const event = eventBridgeEvent(INVOICE);
    await assert.rejects(handler(event, {}), notProcessed('retry'));
    assert.deepEqual(await handler(event, {}), { status: 'done' });
    assert.equal(attempts, 2);
  });

  it('throws, and runs nothing, when the store is unreachable', async () => {
    const { handler, processed } = setup({ store: unreachableStore });
    await assert.rejects(handler(eventBridgeEvent(INVOICE), {}), notProcessed('retry'));
    assert.equal(processed.length, 0);
  });

  it('only ever throws its own error, whatever the event', async () => {
    const { handler } = setup();
    for (const event of /** @type {unknown[]} */ ([undefined, null, {}, { id: 5 }, { id: 'x', detail: null }, { id: 'y', detail: [] }])) {
      await assert.rejects(handler(/** @type {Event} */ (event), {}), notProcessed('invalid'));
    }
  });
});
