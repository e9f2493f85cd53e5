// Consumes a Workers Queues batch one message at a time. Each message is claimed in the
// idempotency store before its side effect runs, because Queues deliver at least once:
// a redelivery (same id, or the same object version for R2) is acknowledged without
// running twice. Failures are retried with a growing delay; after max_retries
// (wrangler.jsonc) the queue moves the message to the dead-letter queue.
//
// Each message ends with one outcome, the same words as the Lambda consumers
// (lib/records.ts): done, duplicate, skipped, and, retried until the dead-letter queue,
// invalid, conflict (its key was already processed with another payload: the producer
// reused an id, which a person must look at) and retry (failed, or not possible now).
import { openBudget } from './deadline.ts';
import { fingerprintOf, runOnce, type IdempotencyStore } from './idempotency.ts';
import { describeError, type Logger } from './logger.ts';
import { wiringFor, type WorkerConfig } from './worker-wiring.ts';

export type ConsumerConfig = { idempotencyTtlSeconds: number; leaseSeconds: number; storeTimeoutMs: number };
/** what makes a delivery "the same", or why it is skipped */
export type Identity = { key: string; payload: unknown; skip?: undefined } | { skip: string; key?: undefined; payload?: undefined };

/**
 * A Worker's queue() handler: each message of a batch through consumeBatch, with the
 * config, store and logger of wiringFor. `processFor(env)` gives the side effect.
 */
export function createQueueHandler<V>({ loadConfig, createStore, identify, validate, processFor }: {
  /** the app's config (src/config.ts) */
  loadConfig: (env: Env) => ConsumerConfig & WorkerConfig;
  /** the idempotency store (src/store.ts) */
  createStore: (env: Env) => IdempotencyStore;
  identify: (message: Message<unknown>, value: V) => Identity;
  validate: (body: unknown) => { value: V; errors?: undefined } | { errors: { field: string; message: string }[]; value?: undefined };
  processFor: (env: Env) => (value: V, context: { log: Logger }) => Promise<void | { retryable?: boolean }>;
}): (batch: MessageBatch<unknown>, env: Env) => Promise<void> {
  return async (batch, env) => {
    await consumeBatch(batch, { ...wiringFor(env, { loadConfig, createStore }), identify, validate, process: processFor(env) });
  };
}

export async function consumeBatch<V>(batch: MessageBatch<unknown>, { store, config, log, identify, validate, process }: {
  store: IdempotencyStore;
  config: ConsumerConfig;
  log: Logger;
  /** what makes a delivery "the same" */
  identify: (message: Message<unknown>, value: V) => Identity;
  validate: (body: unknown) => { value: V; errors?: undefined } | { errors: { field: string; message: string }[]; value?: undefined };
  /** the side effect */
  process: (value: V, context: { log: Logger }) => Promise<void | { retryable?: boolean }>;
}) {
  for (const message of batch.messages) {
    const startedAt = Date.now();
    const messageLog = log.child({ queue: batch.queue, messageId: message.id, attempts: message.attempts });
    const outcome = await consumeMessage(message, { store, config, log: messageLog, identify, validate, process, queue: batch.queue });
    messageLog.info('message handled', { outcome, durationMs: Date.now() - startedAt });
  }
}

/**
 * @returns the outcome
 */
async function consumeMessage<V>(message: Message<unknown>, { store, config, log, identify, validate, process, queue }: {
  store: IdempotencyStore;
  config: ConsumerConfig;
  log: Logger;
  /** what makes a delivery "the same" */
  identify: (message: Message<unknown>, value: V) => Identity;
  validate: (body: unknown) => { value: V; errors?: undefined } | { errors: { field: string; message: string }[]; value?: undefined };
  /** the side effect */
  process: (value: V, context: { log: Logger }) => Promise<void | { retryable?: boolean }>;
  queue: string;
}): Promise<string> {
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
  let result: Awaited<ReturnType<typeof runOnce<{ processed: boolean }>>>;
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

/** 10 s, 20 s, 40 s … capped at 5 minutes. */
function retry(message: Message<unknown>, outcome: string) {
  message.retry({ delaySeconds: Math.min(300, 10 * 2 ** Math.max(0, message.attempts - 1)) });
  return outcome;
}
