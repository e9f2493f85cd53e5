// Idempotency after the IETF Idempotency-Key draft. A key is claimed with one atomic
// conditional write before the side effect runs: reading first and writing after
// would let two concurrent requests both see "no record" and both run.
import { openBudget, type Budget } from './deadline.ts';
import { sha256Hex } from './digest.ts';
import { describeError, type Logger } from './logger.ts';

/** what runOnce logs with: any logger, or a test's fake */
export type RunLog = Pick<Logger, 'error' | 'warn'>;

/** A key's record as the memory, KV and Durable Object stores keep it (times in epoch seconds). */
export interface IdempotencyRecord {
  fingerprint: string;
  /** the claim's owner */
  token: string;
  /** IN_PROGRESS or COMPLETED */
  state: string;
  /** the claim's lease; no longer read once completed */
  leaseUntil: number;
  expiresAt: number;
  /** once completed */
  result?: unknown;
}

/** the same, for the Durable Object store, whose class is named IdempotencyRecord */
export type StoredRecord = IdempotencyRecord;
export type ClaimRequest = { key: string; fingerprint: string; token: string; now: number; leaseUntil: number; expiresAt: number };
export type CompleteRequest = { key: string; token: string; result: unknown; expiresAt: number };
export type ReleaseRequest = { key: string; token: string };
/** A claim either wins the key or reports the record that holds it. */
export type ClaimResult = { claimed: true } | { claimed: false; record: Partial<IdempotencyRecord> };

/**
 * The idempotency store every module in stores/ makes. Each call may take a `signal` (from
 * Budget.call) that aborts it.
 */
export interface IdempotencyStore {
  /** one atomic conditional write */
  claim: (request: ClaimRequest, options?: { signal?: AbortSignal }) => Promise<ClaimResult>;
  /** throws ClaimLostError when the record is no longer ours */
  complete: (request: CompleteRequest, options?: { signal?: AbortSignal }) => Promise<void>;
  /** drops the record if it is still ours */
  release: (request: ReleaseRequest, options?: { signal?: AbortSignal }) => Promise<void>;
  /** the largest result (as JSON) it keeps */
  maxResultBytes?: number;
}

// Keys that do not come from an Idempotency-Key header (a webhook's event id).
const KEY_PATTERN = /^[\x21-\x7e]{1,255}$/;

export const IN_PROGRESS = 'in_progress';
export const COMPLETED = 'completed';

/**
 * Expired records, and in-progress records whose lease ended (owner crashed), count as absent.
 * @param now epoch seconds
 */
export function isLiveRecord(record: IdempotencyRecord | null | undefined, now: number): record is IdempotencyRecord {
  if (!record || record.expiresAt <= now) return false;
  return record.state === COMPLETED || record.leaseUntil > now;
}

export function isValidKey(key: unknown): key is string {
  return typeof key === 'string' && KEY_PATTERN.test(key);
}

/**
 * RFC 8785 (JCS) canonical JSON: members sorted by their UTF-16 code units, no whitespace,
 * numbers and strings as ECMAScript's JSON.stringify writes them. {"a":1,"b":2} and
 * { "b": 2, "a": 1 } are the same request. test/ compares it with the `canonicalize` package.
 * A loop, not recursion: a queue message nested 2 400 levels deep is valid, and a recursive
 * walk runs out of stack on it (workerd's stack is the smaller one). A cyclic value, which
 * a structured-clone queue can carry, has no JSON form: TypeError, as JSON.stringify throws.
 */
export function canonicalJson(value: unknown): string {
  let json = '';
  const open: Set<object> = new Set();
  // Holds JSON text to write as it is, containers still to write, and their closing brackets.
  const pending = [textOrContainer(value)];
  while (pending.length > 0) {
    const next = pending.pop() as string | Closing | unknown[] | Record<string, unknown>;
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

/** A primitive as its JSON text; an array or object as it is, to be walked. */
function textOrContainer(value: unknown): string | object {
  return value !== null && typeof value === 'object' ? value : (JSON.stringify(value) ?? 'null');
}

/** The bracket that ends `container`, which is then no longer open. */
class Closing {
  bracket: string;
  container: object;

  constructor(bracket: string, container: object) {
    this.bracket = bracket;
    this.container = container;
  }
}

export function fingerprintOf(method: string, path: string, body: unknown): Promise<string> {
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
 * - Every store call has a deadline inside `budget` (deadline.ts). A claim that does not
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
 */
export async function runOnce<R, T = { tooLarge: boolean; limit: number | undefined }>({
  store,
  key,
  fingerprint,
  ttlSeconds,
  leaseSeconds,
  execute,
  log,
  now = nowSeconds,
  budget = openBudget(),
  tooLarge = (result, limit) => ({ tooLarge: true, limit } as T),
}: {
  store: IdempotencyStore;
  key: string;
  fingerprint: string;
  ttlSeconds: number;
  leaseSeconds: number;
  execute: () => Promise<R & { retryable?: boolean }>;
  log: RunLog;
  /** epoch seconds */
  now?: () => number;
  budget?: Budget;
  tooLarge?: (result: R, limit: number | undefined) => T;
}): Promise<{ kind: 'executed'; result: R & { retryable?: boolean } } | { kind: 'replayed'; result: R | T } | { kind: 'conflict' | 'unavailable' } | { kind: 'in_progress'; retryAfterSeconds: number }> {
  const token = crypto.randomUUID();
  const claimedAt = now();
  let claim: ClaimResult;
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
    if (record.state === COMPLETED) return { kind: 'replayed', result: record.result as R | T };
    return { kind: 'in_progress', retryAfterSeconds: Math.max(1, (record.leaseUntil ?? claimedAt) - claimedAt) };
  }

  let result: R & { retryable?: boolean };
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

function fitsStore(result: unknown, maxResultBytes: number | undefined) {
  return maxResultBytes === undefined || encoder.encode(JSON.stringify(result)).byteLength <= maxResultBytes;
}

const encoder = new TextEncoder();
// Pauses before the second, third and fourth attempt: a blip passes, an outage is not waited out.
const RETRY_PAUSES_MS = [20, 80, 200];

/** The side effect already happened: record it, retrying (a few times, inside the budget). */
async function completeWithinBudget({ store, key, token, result, expiresAt, log, budget }: {
  store: IdempotencyStore;
  key: string;
  token: string;
  result: unknown;
  expiresAt: number;
  log: RunLog;
  budget: Budget;
}) {
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

async function releaseQuietly(store: IdempotencyStore, key: string, token: string, log: RunLog, budget: Budget) {
  try {
    await budget.call('idempotency release', (options) => store.release({ key, token }, options));
  } catch (error) {
    log.error('idempotency record not released; it frees itself when the lease ends', {
      operation: 'release',
      error: describeError(error),
    });
  }
}

export function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}
