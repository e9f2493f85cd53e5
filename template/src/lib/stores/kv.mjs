// Workers KV idempotency store.
// WARNING: this claim is not atomic. KV is eventually consistent and has no conditional
// write, so the claim is a read followed by a write. Two deliveries of the same key that
// arrive close together (or at different locations, where a write can take up to a
// minute to appear) can both claim it and both run the side effect. It still catches
// the common case, a retry seconds or minutes later. Choose the Durable Object or D1
// store when a duplicate side effect is not acceptable.
import { sha256Hex } from '../digest.mjs';
import { ClaimLostError, COMPLETED, IN_PROGRESS, isLiveRecord } from '../idempotency.mjs';

// KV refuses expirations shorter than 60 seconds.
const MIN_TTL_SECONDS = 60;
// KV keys are at most 512 bytes, and an idempotency key can be longer (an R2 object key
// alone may have 1024): such a key is stored under its SHA-256, which is just as unique.
const MAX_KEY_BYTES = 512;
// A KV value holds at most 25 MiB; the record's other fields need well under 4 KB of it.
export const MAX_RESULT_BYTES = 25 * 1024 * 1024 - 4 * 1024;
const encoder = new TextEncoder();

/** @typedef {import('../idempotency.mjs').IdempotencyStore} IdempotencyStore */
/** @typedef {import('../idempotency.mjs').IdempotencyRecord} IdempotencyRecord */

/**
 * @param {string} key
 * @returns {Promise<string>}
 */
async function storageKeyOf(key) {
  return encoder.encode(key).byteLength <= MAX_KEY_BYTES ? key : `sha256:${await sha256Hex(key)}`;
}

/**
 * @param {KVNamespace} namespace  the IDEMPOTENCY_KV binding
 * @returns {IdempotencyStore}
 */
export function createKvStore(namespace) {
  /** @type {(storageKey: string, record: IdempotencyRecord, now: number) => Promise<void>} */
  const write = (storageKey, record, now) =>
    namespace.put(storageKey, JSON.stringify(record), {
      expirationTtl: Math.max(MIN_TTL_SECONDS, record.expiresAt - now),
    });
  const nowSeconds = () => Math.floor(Date.now() / 1000);

  return {
    maxResultBytes: MAX_RESULT_BYTES,

    async claim({ key, fingerprint, token, now, leaseUntil, expiresAt }) {
      const storageKey = await storageKeyOf(key);
      const existing = /** @type {IdempotencyRecord | null} */ (await namespace.get(storageKey, 'json'));
      if (isLiveRecord(existing, now)) return { claimed: false, record: existing };
      await write(storageKey, { fingerprint, token, state: IN_PROGRESS, leaseUntil, expiresAt }, now);
      return { claimed: true };
    },

    async complete({ key, token, result, expiresAt }) {
      const storageKey = await storageKeyOf(key);
      const existing = /** @type {IdempotencyRecord | null} */ (await namespace.get(storageKey, 'json'));
      if (existing?.token !== token) throw new ClaimLostError(`claim on ${key} was lost before completion`);
      await write(storageKey, { ...existing, state: COMPLETED, result, expiresAt }, nowSeconds());
    },

    async release({ key, token }) {
      const storageKey = await storageKeyOf(key);
      const existing = /** @type {IdempotencyRecord | null} */ (await namespace.get(storageKey, 'json'));
      if (existing?.token === token) await namespace.delete(storageKey);
    },
  };
}
