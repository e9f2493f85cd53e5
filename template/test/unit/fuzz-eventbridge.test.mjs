// Fuzzing the EventBridge consumer with fast-check: valid, nearly valid and hostile events
// (ids reused, details of every shape, broken envelopes). Whatever arrives, the handler
// resolves or rejects with its own EventNotProcessedError (so Lambda retries the event
// and then sends it to the DLQ), never with a TypeError or another crash; it runs the
// side effect for valid events only, at most once per event id, and writes no secret or
// personal data to its logs.
// FUZZ_RUNS=10000 npm test runs more events; see test/support/fuzz.mjs.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import fc from 'fast-check';
import { EventNotProcessedError, createHandler } from '../../src/handler.mjs';
import { loadConfig } from '../../src/config.mjs';
import { createMemoryStore } from '../../src/lib/stores/memory.mjs';
import { CANARY, canaryLog } from '../support/canaries.mjs';
import { eventBridgeEvent, unreachableStore } from '../support/consumer-events.mjs';
import { fuzz, hostileJsonValue, hostileText } from '../support/fuzz.mjs';
import { isValidInvoice, invoiceMessage, otherPayload } from '../support/hostile-messages.mjs';

const config = { ...loadConfig({}), idempotencyStore: 'memory' };

/** @typedef {ReturnType<typeof createHandler>} Handler */
/** @typedef { { value: Awaited<ReturnType<Handler>>, error?: undefined } | { error: Error, value?: undefined } } Outcome  what the handler did: resolved or threw */

// A few ids come back again and again: redeliveries, and reuse with another detail.
const eventId = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom('evt-1', 'evt-2', 'evt-3') },
  { weight: 4, arbitrary: fc.uuid() },
  { weight: 1, arbitrary: hostileText },
  { weight: 1, arbitrary: fc.constantFrom(undefined, null, 42, {}, ['evt-1'], { toString: 1 }) },
);
const detail = fc.oneof({ weight: 6, arbitrary: invoiceMessage }, { weight: 1, arbitrary: otherPayload }, { weight: 1, arbitrary: hostileJsonValue });
const detailType = fc.oneof({ weight: 4, arbitrary: fc.constant('InvoiceIssued') }, { weight: 1, arbitrary: hostileText }, { weight: 1, arbitrary: hostileJsonValue });
const event = fc.oneof(
  {
    weight: 8,
    arbitrary: fc.record({ id: eventId, detail, detailType }).map(({ id, detail: payload, detailType: type }) => ({
      ...eventBridgeEvent(payload),
      id,
      'detail-type': type,
      // Who sent the event, as some sources add it: personal data that must not reach the logs.
      resources: [`arn:aws:iam::123456789012:user/${CANARY.email}`],
    })),
  },
  { weight: 1, arbitrary: hostileJsonValue },
);

it('resolves or throws only EventNotProcessedError, whatever the event', async () => {
  const logs = canaryLog();
  /** @type {Set<string>} */
  const processedIds = new Set();
  /** @type {string[]} */
  let processedNow = [];
  /**
   * @param {import('../../src/messages.mjs').Invoice} message
   * @param { { eventId: string } } context
   */
  const recordSideEffect = async (message, { eventId: id }) => {
    assert.ok(isValidInvoice(message), `side effect for an invalid event ${JSON.stringify(message)}`);
    assert.ok(!processedIds.has(id), `event ${id} processed twice`);
    processedIds.add(id);
    processedNow.push(id);
  };
  const handlers = {
    healthy: createHandler({ config, store: createMemoryStore(), write: logs.write, handOn: recordSideEffect }),
    down: createHandler({ config, store: unreachableStore, write: logs.write, handOn: recordSideEffect }),
  };
  await fuzz({
    target: 'eventbridge-consumer',
    handler: (/** @type { { store: 'healthy' | 'down', event: unknown } } */ { store, event: input }, context) => handlers[store](/** @type {Parameters<Handler>[0]} */ (input), context),
    arbitrary: fc.record({ store: fc.oneof({ weight: 5, arbitrary: fc.constant('healthy') }, { weight: 1, arbitrary: fc.constant('down') }), event }),
    check: async (input, invoke) => {
      logs.clear();
      processedNow = [];
      /** @type {Outcome} */
      const outcome = await invoke(input).then(
        (value) => ({ value }),
        (error) => ({ error }),
      );
      if (outcome.error) {
        assert.ok(outcome.error instanceof EventNotProcessedError, `threw ${outcome.error?.name}: ${outcome.error?.message}`);
        assert.deepEqual(processedNow, []);
      } else {
        assert.ok(['done', 'duplicate'].includes(outcome.value?.status), JSON.stringify(outcome.value));
        assert.equal(processedNow.length, outcome.value.status === 'done' ? 1 : 0);
        assert.ok(processedIds.has(input.event.id), 'a resolved event has been processed, now or before');
      }
      if (input.store === 'down') assert.ok(outcome.error, 'nothing is processed while the store is down');
      for (const id of processedNow) assert.equal(id, input.event.id);
      logs.assertClean();
    },
  });
});
