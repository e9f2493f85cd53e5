// Idempotency after the IETF Idempotency-Key draft. A key is claimed with one atomic
// conditional write before the side effect runs: reading first and writing after
// would let two concurrent requests both see "no record" and both run.
import { openBudget } from './deadline.mjs';
import { sha256Hex } from './digest.mjs';
import { describeError } from './logger.mjs';

/** @typedef {Pick<import('./logger.mjs').Logger, 'error' | 'warn'>} RunLog  what runOnce logs with: any logger, or a test's fake */
/** @typedef {import('./deadline.mjs').Budget} Budget */

/**
 * A key's record as the memory, KV and Durable Object stores keep it (times in epoch seconds).
 * @typedef {object} IdempotencyRecord
 * @property {string} fingerprint
 * @property {string} token          the claim's owner
 * @property {string} state          IN_PROGRESS or COMPLETED
 * @property {number} leaseUntil     the claim's lease; no longer read once completed
 * @property {number} expiresAt
 * @property {unknown} [result]      once completed
 */

/** @typedef {IdempotencyRecord} StoredRecord  the same, for the Durable Object store, whose class is named IdempotencyRecord */
/** @typedef { { key: string, fingerprint: string, token: string, now: number, leaseUntil: number, expiresAt: number } } ClaimRequest */
/** @typedef { { key: string, token: string, result: unknown, expiresAt: number } } CompleteRequest */
/** @typedef { { key: string, token: string } } ReleaseRequest */
/**
 * A claim either wins the key or reports the record that holds it.
 * @typedef { { claimed: true } | { claimed: false, record: Partial<IdempotencyRecord> } } ClaimResult
 */

/**
 * The idempotency store every module in stores/ makes. Each call may take a `signal` (from
 * Budget.call) that aborts it.
 * @typedef {object} IdempotencyStore
 * @property {(request: ClaimRequest, options?: { signal?: AbortSignal }) => Promise<ClaimResult>} claim  one atomic conditional write
 * @property {(request: CompleteRequest, options?: { signal?: AbortSignal }) => Promise<void>} complete  throws ClaimLostError when the record is no longer ours
 * @property {(request: ReleaseRequest, options?: { signal?: AbortSignal }) => Promise<void>} release  drops the record if it is still ours
 * @property {number} [maxResultBytes]  the largest result (as JSON) it keeps
 */

// Keys that do not come from an Idempotency-Key header (a webhook's event id).
const KEY_PATTERN = /^[\x21-\x7e]{1,255}$/;

export const IN_PROGRESS = 'in_progress';
export const COMPLETED = 'completed';

/**
 * Expired records, and in-progress records whose lease ended (owner crashed), count as absent.
 * @param {IdempotencyRecord | null | undefined} record
 * @param {number} now  epoch seconds
 * @returns {record is IdempotencyRecord}
 */
export function isLiveRecord(record, now) {
  if (!record || record.expiresAt <= now) return false;
  return record.state === COMPLETED || record.leaseUntil > now;
}

/**
 * @param {unknown} key
 * @returns {key is string}
 */
export function isValidKey(key) {
  return typeof key === 'string' && KEY_PATTERN.test(key);
}

/**
 * RFC 8785 (JCS) canonical JSON: members sorted by their UTF-16 code units, no whitespace,
 * numbers and strings as ECMAScript's JSON.stringify writes them. {"a":1,"b":2} and
 * { "b": 2, "a": 1 } are the same request. test/ compares it with the `canonicalize` package.
 * A loop, not recursion: a queue message nested 2 400 levels deep is valid, and a recursive
 * walk runs out of stack on it (workerd's stack is the smaller one). A cyclic value, which
 * a structured-clone queue can carry, has no JSON form: TypeError, as JSON.stringify throws.
 * @param {unknown} value
 * @returns {string}
 */
export function canonicalJson(value) {
  let json = '';
  /** @type {Set<object>} */
  const open = new Set();
  // Holds JSON text to write as it is, containers still to write, and their closing brackets.
  const pending = [textOrContainer(value)];
  while (pending.length > 0) {
    const next = /** @type {string | Closing | unknown[] | Record<string, unknown>} */ (pending.pop());
    if (typeof next === 'string') {
      json += next;
    } else if (next instanceof Closing) {
      json += next.bracket;
      open.delete(next.container);
    } else {
      if (open.has(next)) throw new TypeError('canonicalJson: the value is cyclic, so it has no JSON form');
      open.add(next);
      // Pushed in reverse: the stack hands the first member out first.
      if (Array.isArray(next)) {
        pending.push(new Closing(']', next));
        for (let index = next.length - 1; index >= 0; index -= 1) {
          pending.push(textOrContainer(next[index]));
          if (index > 0) pending.push(',');
        }
        json += '[';
      } else {
        const keys = Object.keys(next).sort();
        pending.push(new Closing('}', next));
        for (let index = keys.length - 1; index >= 0; index -= 1) {
          pending.push(textOrContainer(next[keys[index]]), `${index > 0 ? ',' : ''}${JSON.stringify(keys[index])}:`);
        }
        json += '{';
      }
    }
  }
  return json;
}

/**
 * A primitive as its JSON text; an array or object as it is, to be walked.
 * @param {unknown} value
 * @returns {string | object}
 */
function textOrContainer(value) {
  return value !== null && typeof value === 'object' ? value : (JSON.stringify(value) ?? 'null');
}

/** The bracket that ends `container`, which is then no longer open. */
class Closing {
  /**
   * @param {string} bracket
   * @param {object} container
   */
  constructor(bracket, container) {
    this.bracket = bracket;
    this.container = container;
  }
}

/**
 * @param {string} method
 * @param {string} path
 * @param {unknown} body
 * @returns {Promise<string>}
 */
export function fingerprintOf(method, path, body) {
  return sha256Hex(`${method}\n${path}\n${canonicalJson(body)}`);
}

/** Thrown by a store's complete() when the record is no longer ours (our lease ended and someone took over). */
export class ClaimLostError extends Error {
  name = 'ClaimLostError';
}

/**
 * Runs `execute` at most once per key and returns what the caller should see.
 * Outcomes: { kind: 'executed' | 'replayed' | 'conflict' | 'in_progress' | 'unavailable', ... }
 *
 * - Every store call has a deadline inside `budget` (deadline.mjs). A claim that does not
 *   answer in time is 'unavailable': nothing ran.
 * - The record holds a lease: a claim whose lease ran out (the function crashed or
 *   timed out) may be taken over, so a key is never blocked forever.
 * - When `execute` throws or reports a retryable failure, the claim is released so
 *   the caller's retry can run again; no response is stored.
 * - A completing write that fails is tried again while the budget lasts. When it never
 *   lands, the record stays "in progress" until its lease ends, and a retry after that runs
 *   `execute` again: the one duplicate left, which is why the side effect gets a key to pass on.
 * - A result bigger than the store keeps (`store.maxResultBytes`) is recorded as
 *   `tooLarge(result)` instead, so a repeat still never runs `execute` again.
 *
 * A replay gets what was stored: `execute`'s result (R) or `tooLarge`'s (T).
 * @template R
 * @template [T={ tooLarge: boolean, limit: number | undefined }]
 * @param {object} options
 * @param {IdempotencyStore} options.store
 * @param {string} options.key
 * @param {string} options.fingerprint
 * @param {number} options.ttlSeconds
 * @param {number} options.leaseSeconds
 * @param {() => Promise<R & { retryable?: boolean }>} options.execute
 * @param {RunLog} options.log
 * @param {() => number} [options.now]       epoch seconds
 * @param {Budget} [options.budget]
 * @param {(result: R, limit: number | undefined) => T} [options.tooLarge]
 * @returns {Promise<{ kind: 'executed', result: R & { retryable?: boolean } } | { kind: 'replayed', result: R | T } | { kind: 'conflict' | 'unavailable' } | { kind: 'in_progress', retryAfterSeconds: number }>}
 */
export async function runOnce({
  store,
  key,
  fingerprint,
  ttlSeconds,
  leaseSeconds,
  execute,
  log,
  now = nowSeconds,
  budget = openBudget(),
  tooLarge = (result, limit) => /** @type {T} */ ({ tooLarge: true, limit }),
}) {
  const token = crypto.randomUUID();
  const claimedAt = now();
  /** @type {ClaimResult} */
  let claim;
  try {
    const request = { key, fingerprint, token, now: claimedAt, leaseUntil: claimedAt + leaseSeconds, expiresAt: claimedAt + ttlSeconds };
    claim = await budget.call('idempotency claim', (options) => store.claim(request, options));
  } catch (error) {
    log.error('idempotency store unavailable', { operation: 'claim', error: describeError(error) });
    return { kind: 'unavailable' };
  }

  if (!claim.claimed) {
    const record = claim.record;
    if (record.fingerprint !== fingerprint) return { kind: 'conflict' };
    if (record.state === COMPLETED) return { kind: 'replayed', result: /** @type {R | T} */ (record.result) };
    return { kind: 'in_progress', retryAfterSeconds: Math.max(1, (record.leaseUntil ?? claimedAt) - claimedAt) };
  }

  /** @type {R & { retryable?: boolean } } */
  let result;
  try {
    result = await execute();
  } catch (error) {
    await releaseQuietly(store, key, token, log, budget);
    throw error;
  }
  if (result.retryable) {
    await releaseQuietly(store, key, token, log, budget);
    return { kind: 'executed', result };
  }
  const stored = fitsStore(result, store.maxResultBytes) ? result : tooLarge(result, store.maxResultBytes);
  if (stored !== result) log.warn('response too large to store; only its status is kept for repeats', { limitBytes: store.maxResultBytes });
  await completeWithinBudget({ store, key, token, result: stored, expiresAt: now() + ttlSeconds, log, budget });
  return { kind: 'executed', result };
}

/**
 * @param {unknown} result
 * @param {number | undefined} maxResultBytes
 */
function fitsStore(result, maxResultBytes) {
  return maxResultBytes === undefined || encoder.encode(JSON.stringify(result)).byteLength <= maxResultBytes;
}

const encoder = new TextEncoder();
// Pauses before the second, third and fourth attempt: a blip passes, an outage is not waited out.
const RETRY_PAUSES_MS = [20, 80, 200];

/**
 * The side effect already happened: record it, retrying (a few times, inside the budget).
 * @param { { store: IdempotencyStore, key: string, token: string, result: unknown, expiresAt: number, log: RunLog, budget: Budget } } options
 */
async function completeWithinBudget({ store, key, token, result, expiresAt, log, budget }) {
  for (let attempt = 0; ; attempt += 1) {
    try {
      await budget.call('idempotency complete', (options) => store.complete({ key, token, result, expiresAt }, options));
      return;
    } catch (error) {
      const pause = RETRY_PAUSES_MS[attempt];
      if (error instanceof ClaimLostError || pause === undefined || budget.timeLeftMs() <= pause) {
        // Answering with the side effect's result is still right. The record stays "in progress"
        // until its lease ends (409 for quick retries); a retry after that runs the side effect again.
        log.error('idempotency record not completed', { operation: 'complete', attempts: attempt + 1, error: describeError(error) });
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, pause));
    }
  }
}

/**
 * @param {IdempotencyStore} store
 * @param {string} key
 * @param {string} token
 * @param {RunLog} log
 * @param {Budget} budget
 */
async function releaseQuietly(store, key, token, log, budget) {
  try {
    await budget.call('idempotency release', (options) => store.release({ key, token }, options));
  } catch (error) {
    log.error('idempotency record not released; it frees itself when the lease ends', {
      operation: 'release',
      error: describeError(error),
    });
  }
}

/** @returns {number} */
export function nowSeconds() {
  return Math.floor(Date.now() / 1000);
}
