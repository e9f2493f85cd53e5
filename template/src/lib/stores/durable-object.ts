// Durable Object idempotency store: one object per key. A Durable Object runs one
// call at a time, and while it awaits its own storage no other call is delivered
// (input gates), so the read-then-write in claim() is atomic for its key.
import { DurableObject } from 'cloudflare:workers';
import { ClaimLostError, COMPLETED, IN_PROGRESS, isLiveRecord, type ClaimRequest, type ClaimResult, type CompleteRequest, type IdempotencyStore, type ReleaseRequest, type StoredRecord } from '../idempotency.ts';

// A Durable Object keeps at most 2 MB in one value, and a string in it may take two bytes
// per character: so the result's UTF-8 size stays under half of that.
export const MAX_RESULT_BYTES = 1024 * 1024 - 4 * 1024;

/** what the object keeps under 'record' */

export class IdempotencyRecord extends DurableObject {
  async claim({ fingerprint, token, now, leaseUntil, expiresAt }: ClaimRequest): Promise<ClaimResult> {
    const existing = await storedRecord(this.ctx.storage);
    if (isLiveRecord(existing, now)) return { claimed: false, record: existing };
    await this.ctx.storage.put('record', { fingerprint, token, state: IN_PROGRESS, leaseUntil, expiresAt });
    await this.ctx.storage.setAlarm(expiresAt * 1000);
    return { claimed: true };
  }

  async complete({ token, result, expiresAt }: CompleteRequest): Promise<{ completed: boolean }> {
    const existing = await storedRecord(this.ctx.storage);
    if (existing?.token !== token) return { completed: false };
    await this.ctx.storage.put('record', { ...existing, state: COMPLETED, result, expiresAt });
    await this.ctx.storage.setAlarm(expiresAt * 1000);
    return { completed: true };
  }

  async release({ token }: ReleaseRequest) {
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

function storedRecord(storage: DurableObjectStorage): Promise<StoredRecord | undefined> {
  return storage.get('record');
}

/**
 * @param namespace the IDEMPOTENCY binding
 */
export function createDurableObjectStore(namespace: DurableObjectNamespace<IdempotencyRecord>): IdempotencyStore {
  const objectFor = (key: string) => namespace.get(namespace.idFromName(key));
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
