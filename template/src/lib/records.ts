// Exactly-once side effects for event consumers (S3, SQS, EventBridge). Every source
// may deliver a record twice, so each record is claimed in the idempotency store
// (one atomic conditional write) before its side effect runs.
import { openBudget } from './deadline.ts';
import { fingerprintOf, runOnce, type IdempotencyStore } from './idempotency.ts';
import { describeError, type Logger } from './logger.ts';

/** the config fields processOnce reads */
export type RecordConfig = { idempotencyTtlSeconds: number; leaseSeconds: number; storeTimeoutMs?: number };

/**
 * Runs `work` at most once per `key` and says what happened:
 *   'done'       work ran now (result holds what it returned)
 *   'duplicate'  work already ran for this key (result holds the first run's value)
 *   'retry'      try again later: running elsewhere, store unreachable, or work threw
 *   'conflict'   the key was seen with a different payload (needs a human: send to the DLQ)
 */
export async function processOnce<R>({ store, config, key, payload, log, now, work }: {
  store: IdempotencyStore;
  config: RecordConfig;
  key: string;
  /** what the key must always stand for (fingerprinted) */
  payload: unknown;
  log: Logger;
  /** epoch seconds */
  now?: (() => number) | undefined;
  work: () => Promise<R>;
}): Promise<{ status: 'done' | 'duplicate'; result: R } | { status: 'retry' | 'conflict'; result?: undefined }> {
  let outcome: Awaited<ReturnType<typeof runOnce<{ value: R }>>>;
  try {
    // Inside the try: a payload too deep to fingerprint is retried (and ends in the DLQ), not a crash.
    const fingerprint = await fingerprintOf('RECORD', key, payload);
    outcome = await runOnce({
      store,
      key,
      fingerprint,
      ttlSeconds: config.idempotencyTtlSeconds,
      leaseSeconds: config.leaseSeconds,
      // Every store call ends within storeTimeoutMs; the lease outlives the function's timeout.
      budget: openBudget(config.storeTimeoutMs),
      log,
      ...(now ? { now } : {}),
      execute: async () => ({ value: ((await work()) ?? null) as R }),
    });
  } catch (error) {
    log.error('record failed; it will be retried', { recordKey: key, error: describeError(error) });
    return { status: 'retry' };
  }
  switch (outcome.kind) {
    case 'executed':
      return { status: 'done', result: outcome.result.value };
    case 'replayed':
      log.info('duplicate record skipped', { recordKey: key });
      // What the first run stored; a result too big for the store (store.maxResultBytes) comes back as
      // runOnce's { tooLarge } marker, without a value: the consumers' results are small.
      return { status: 'duplicate', result: (outcome.result as { value: R }).value };
    case 'conflict':
      log.error('record key reused with a different payload', { recordKey: key });
      return { status: 'conflict' };
    default:
      log.warn('record not processed now; it will be retried', { recordKey: key, reason: outcome.kind });
      return { status: 'retry' };
  }
}
