// Durable Object idempotency store: one object per key. A Durable Object runs one
// call at a time, and while it awaits its own storage no other call is delivered
// (input gates), so the read-then-write in claim() is atomic for its key.
import { DurableObject } from 'cloudflare:workers';
import { ClaimLostError, COMPLETED, IN_PROGRESS, isLiveRecord } from '../idempotency.mjs';

// A Durable Object keeps at most 2 MB in one value, and a string in it may take two bytes
// per character: so the result's UTF-8 size stays under half of that.
export const MAX_RESULT_BYTES = 1024 * 1024 - 4 * 1024;

/** @typedef {import('../idempotency.mjs').StoredRecord} StoredRecord  what the object keeps under 'record' */

export class IdempotencyRecord extends DurableObject {
  /**
   * @param {import('../idempotency.mjs').ClaimRequest} request
   * @returns {Promise<import('../idempotency.mjs').ClaimResult>}
   */
  async claim({ fingerprint, token, now, leaseUntil, expiresAt }) {
    const existing = await storedRecord(this.ctx.storage);
    if (isLiveRecord(existing, now)) return { claimed: false, record: existing };
    await this.ctx.storage.put('record', { fingerprint, token, state: IN_PROGRESS, leaseUntil, expiresAt });
    await this.ctx.storage.setAlarm(expiresAt * 1000);
    return { claimed: true };
  }

  /**
   * @param {import('../idempotency.mjs').CompleteRequest} request
   * @returns {Promise<{ completed: boolean }>}
   */
  async complete({ token, result, expiresAt }) {
    const existing = await storedRecord(this.ctx.storage);
    if (existing?.token !== token) return { completed: false };
    await this.ctx.storage.put('record', { ...existing, state: COMPLETED, result, expiresAt });
    await this.ctx.storage.setAlarm(expiresAt * 1000);
    return { completed: true };
  }

  /** @param {import('../idempotency.mjs').ReleaseRequest} request */
  async release({ token }) {
    const existing = await storedRecord(this.ctx.storage);
    if (existing?.token === token) await this.ctx.storage.deleteAll();
  }

  /** Expiry: the object deletes its record, so idle keys cost no storage. */
  async alarm() {
    const existing = await storedRecord(this.ctx.storage);
    if (existing && existing.expiresAt * 1000 > Date.now()) {
      await this.ctx.storage.setAlarm(existing.expiresAt * 1000);
      return;
    }
    await this.ctx.storage.deleteAll();
  }
}

/**
 * @param {DurableObjectStorage} storage
 * @returns {Promise<StoredRecord | undefined>}
 */
function storedRecord(storage) {
  return storage.get('record');
}

/**
 * @param {DurableObjectNamespace<IdempotencyRecord>} namespace  the IDEMPOTENCY binding
 * @returns {import('../idempotency.mjs').IdempotencyStore}
 */
export function createDurableObjectStore(namespace) {
  /** @param {string} key */
  const objectFor = (key) => namespace.get(namespace.idFromName(key));
  // Plain async functions, so callers get ordinary promises rather than RPC proxies.
  return {
    maxResultBytes: MAX_RESULT_BYTES,
    async claim(request) {
      return objectFor(request.key).claim(request);
    },
    async complete(request) {
      const { completed } = await objectFor(request.key).complete(request);
      if (!completed) throw new ClaimLostError(`claim on ${request.key} was lost before completion`);
    },
    async release(request) {
      await objectFor(request.key).release(request);
    },
  };
}
