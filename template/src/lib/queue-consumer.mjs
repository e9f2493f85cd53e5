// Consumes a Workers Queues batch one message at a time. Each message is claimed in the
// idempotency store before its side effect runs, because Queues deliver at least once:
// a redelivery (same id, or the same object version for R2) is acknowledged without
// running twice. Failures are retried with a growing delay; after max_retries
// (wrangler.jsonc) the queue moves the message to the dead-letter queue.
//
// Each message ends with one outcome, the same words as the Lambda consumers
// (lib/records.mjs): done, duplicate, skipped, and, retried until the dead-letter queue,
// invalid, conflict (its key was already processed with another payload: the producer
// reused an id, which a person must look at) and retry (failed, or not possible now).
import { openBudget } from './deadline.mjs';
import { fingerprintOf, runOnce } from './idempotency.mjs';
import { describeError } from './logger.mjs';
import { wiringFor } from './worker-wiring.mjs';

/** @typedef {import('./logger.mjs').Logger} Logger */
/** @typedef { { idempotencyTtlSeconds: number, leaseSeconds: number, storeTimeoutMs: number } } ConsumerConfig */
/** @typedef { { key: string, payload: unknown, skip?: undefined } | { skip: string, key?: undefined, payload?: undefined } } Identity  what makes a delivery "the same", or why it is skipped */

/**
 * A Worker's queue() handler: each message of a batch through consumeBatch, with the
 * config, store and logger of wiringFor. `processFor(env)` gives the side effect.
 * @template V
 * @param {object} options
 * @param {(env: Env) => ConsumerConfig & import('./worker-wiring.mjs').WorkerConfig} options.loadConfig  the app's config (src/config.mjs)
 * @param {(env: Env) => import('./idempotency.mjs').IdempotencyStore} options.createStore  the idempotency store (src/store.mjs)
 * @param {(message: Message<unknown>, value: V) => Identity} options.identify
 * @param {(body: unknown) => { value: V, errors?: undefined } | { errors: { field: string, message: string }[], value?: undefined }} options.validate
 * @param {(env: Env) => (value: V, context: { log: Logger }) => Promise<void | { retryable?: boolean }>} options.processFor
 * @returns {(batch: MessageBatch<unknown>, env: Env) => Promise<void>}
 */
export function createQueueHandler({ loadConfig, createStore, identify, validate, processFor }) {
  return async (batch, env) => {
    await consumeBatch(batch, { ...wiringFor(env, { loadConfig, createStore }), identify, validate, process: processFor(env) });
  };
}

/**
 * @template V
 * @param {MessageBatch<unknown>} batch
 * @param {object} options
 * @param {import('./idempotency.mjs').IdempotencyStore} options.store
 * @param {ConsumerConfig} options.config
 * @param {Logger} options.log
 * @param {(message: Message<unknown>, value: V) => Identity} options.identify  what makes a delivery "the same"
 * @param {(body: unknown) => { value: V, errors?: undefined } | { errors: { field: string, message: string }[], value?: undefined }} options.validate
 * @param {(value: V, context: { log: Logger }) => Promise<void | { retryable?: boolean }>} options.process  the side effect
 */
export async function consumeBatch(batch, { store, config, log, identify, validate, process }) {
  for (const message of batch.messages) {
    const startedAt = Date.now();
    const messageLog = log.child({ queue: batch.queue, messageId: message.id, attempts: message.attempts });
    const outcome = await consumeMessage(message, { store, config, log: messageLog, identify, validate, process, queue: batch.queue });
    messageLog.info('message handled', { outcome, durationMs: Date.now() - startedAt });
  }
}

/**
 * @template V
 * @param {Message<unknown>} message
 * @param {object} options
 * @param {import('./idempotency.mjs').IdempotencyStore} options.store
 * @param {ConsumerConfig} options.config
 * @param {Logger} options.log
 * @param {(message: Message<unknown>, value: V) => Identity} options.identify  what makes a delivery "the same"
 * @param {(body: unknown) => { value: V, errors?: undefined } | { errors: { field: string, message: string }[], value?: undefined }} options.validate
 * @param {(value: V, context: { log: Logger }) => Promise<void | { retryable?: boolean }>} options.process  the side effect
 * @param {string} options.queue
 * @returns {Promise<string>}  the outcome
 */
async function consumeMessage(message, { store, config, log, identify, validate, process, queue }) {
  const checked = validate(message.body);
  if (checked.errors) {
    // A malformed message stays malformed: it is retried until it lands in the DLQ, where a person looks at it.
    log.error('invalid message', { details: checked.errors });
    return retry(message, 'invalid');
  }
  const identity = identify(message, checked.value);
  if (identity.skip) {
    message.ack();
    return `skipped: ${identity.skip}`;
  }
  /** @type {Awaited<ReturnType<typeof runOnce<{ processed: boolean }>>>} */
  let result;
  try {
    result = await runOnce({
      store,
      key: `${queue} ${identity.key}`,
      fingerprint: await fingerprintOf('QUEUE', queue, identity.payload),
      ttlSeconds: config.idempotencyTtlSeconds,
      leaseSeconds: config.leaseSeconds,
      budget: openBudget(config.storeTimeoutMs),
      log,
      execute: async () => {
        const outcome = await process(checked.value, { log });
        // `retryable` (see runOnce) forgets the claim: nothing was done (an object that is
        // gone, say), so a later delivery of the same thing must run, not count as done.
        return { processed: true, retryable: outcome?.retryable === true };
      },
    });
  } catch (error) {
    log.error('record failed; it will be retried', { error: describeError(error, { withStack: true }) });
    return retry(message, 'retry');
  }
  switch (result.kind) {
    case 'executed':
      message.ack();
      return 'done';
    case 'replayed':
      log.info('duplicate record skipped');
      message.ack();
      return 'duplicate';
    case 'conflict':
      // Not run, and not acknowledged either: the dead-letter queue keeps it for a person.
      log.error('record key reused with a different payload');
      return retry(message, 'conflict');
    case 'in_progress':
      log.warn('record not processed now; it will be retried', { reason: result.kind });
      message.retry({ delaySeconds: result.retryAfterSeconds });
      return 'retry';
    default:
      log.warn('record not processed now; it will be retried', { reason: result.kind });
      return retry(message, 'retry');
  }
}

/**
 * 10 s, 20 s, 40 s … capped at 5 minutes.
 * @param {Message<unknown>} message
 * @param {string} outcome
 */
function retry(message, outcome) {
  message.retry({ delaySeconds: Math.min(300, 10 * 2 ** Math.max(0, message.attempts - 1)) });
  return outcome;
}
