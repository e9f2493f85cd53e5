// Idempotency after the IETF Idempotency-Key draft. A key is claimed with one atomic
// conditional write before the side effect runs: reading first and writing after
// would let two concurrent requests both see "no record" and both run.
import { sha256Hex } from './digest.mjs';
import { describeError } from './logger.mjs';

const KEY_PATTERN = /^[\x21-\x7e]{1,255}$/;

export const IN_PROGRESS = 'in_progress';
export const COMPLETED = 'completed';

/** Expired records, and in-progress records whose lease ended (owner crashed), count as absent. */
export function isLiveRecord(record, now) {
  if (!record || record.expiresAt <= now) return false;
  return record.state === COMPLETED || record.leaseUntil > now;
}

export function isValidKey(key) {
  return typeof key === 'string' && KEY_PATTERN.test(key);
}

/** JSON with sorted keys, so {"a":1,"b":2} and {"b":2,"a":1} are the same request. */
export function canonicalJson(value) {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.keys(value)
      .sort()
      .map((key) => `${JSON.stringify(key)}:${canonicalJson(value[key])}`);
    return `{${entries.join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

export function fingerprintOf(method, path, body) {
  return sha256Hex(`${method}\n${path}\n${canonicalJson(body)}`);
}

/**
 * Runs `execute` at most once per key and returns what the caller should see.
 * Outcomes: { kind: 'executed' | 'replayed' | 'conflict' | 'in_progress' | 'unavailable', ... }
 *
 * - The record holds a lease: a claim whose lease ran out (the function crashed or
 *   timed out) may be taken over, so a key is never blocked forever.
 * - When `execute` throws or reports a retryable failure, the claim is released so
 *   the caller's retry can run again; no response is stored.
 */
export async function runOnce({ store, key, fingerprint, ttlSeconds, leaseSeconds, execute, log, now = nowSeconds }) {
  const token = crypto.randomUUID();
  const claimedAt = now();
  let claim;
  try {
    claim = await store.claim({
      key,
      fingerprint,
      token,
      now: claimedAt,
      leaseUntil: claimedAt + leaseSeconds,
      expiresAt: claimedAt + ttlSeconds,
    });
  } catch (error) {
    log.error('idempotency store unavailable', { operation: 'claim', error: describeError(error) });
    return { kind: 'unavailable' };
  }

  if (!claim.claimed) {
    const record = claim.record;
    if (record.fingerprint !== fingerprint) return { kind: 'conflict' };
    if (record.state === COMPLETED) return { kind: 'replayed', result: record.result };
    return { kind: 'in_progress', retryAfterSeconds: Math.max(1, (record.leaseUntil ?? claimedAt) - claimedAt) };
  }

  let result;
  try {
    result = await execute();
  } catch (error) {
    await releaseQuietly(store, key, token, log);
    throw error;
  }
  if (result.retryable) {
    await releaseQuietly(store, key, token, log);
    return { kind: 'executed', result };
  }
  try {
    await store.complete({ key, token, result, expiresAt: now() + ttlSeconds });
  } catch (error) {
    // The side effect already happened; answering with it is right. The record stays
    // "in progress" until its lease ends, so a quick retry gets 409 instead of a rerun.
    log.error('idempotency record not completed', { operation: 'complete', error: describeError(error) });
  }
  return { kind: 'executed', result };
}

async function releaseQuietly(store, key, token, log) {
  try {
    await store.release({ key, token });
  } catch (error) {
    log.error('idempotency record not released; it frees itself when the lease ends', {
      operation: 'release',
      error: describeError(error),
    });
  }
}

export function nowSeconds() {
  return Math.floor(Date.now() / 1000);
}
