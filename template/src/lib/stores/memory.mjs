// In-memory idempotency store for unit tests and `npm run invoke`. It keeps the same
// contract as the real stores (atomic claim, lease, TTL) but lives only as long as the
// process, so it is never used when deployed.
import { ClaimLostError, COMPLETED, IN_PROGRESS, isLiveRecord } from '../idempotency.mjs';

/** @typedef {import('../idempotency.mjs').IdempotencyStore} IdempotencyStore */
/** @typedef {import('../idempotency.mjs').IdempotencyRecord} IdempotencyRecord */

/** The memory store, which also tells how many records it holds. @typedef {IdempotencyStore & { size: () => number } } MemoryStore */

/** @returns {MemoryStore} */
export function createMemoryStore() {
  /** @type {Map<string, IdempotencyRecord & { key: string }>} */
  const records = new Map();

  return {
    async claim({ key, fingerprint, token, now, leaseUntil, expiresAt }) {
      const existing = records.get(key);
      if (isLiveRecord(existing, now)) return { claimed: false, record: { ...existing } };
      records.set(key, { key, fingerprint, token, state: IN_PROGRESS, leaseUntil, expiresAt });
      return { claimed: true };
    },
    async complete({ key, token, result, expiresAt }) {
      const existing = records.get(key);
      if (existing?.token !== token) throw new ClaimLostError(`claim on ${key} was lost before completion`);
      records.set(key, { ...existing, state: COMPLETED, result, expiresAt });
    },
    async release({ key, token }) {
      if (records.get(key)?.token === token) records.delete(key);
    },
    size: () => records.size,
  };
}
