// The scheduled import: every run lists incoming/, imports each object once per version
// (key + etag) and moves it to processed/ (or rejected/ when it is not valid CSV). A file
// that fails stays in incoming/ and is tried again on the next run; cron triggers have
// no retries of their own.
import { sha256Hex } from './lib/digest.ts';
import { fingerprintOf, runOnce, type IdempotencyStore } from './lib/idempotency.ts';
import { describeError, type Logger } from './lib/logger.ts';
import { importObject, type ImportOutcome, type ImportRows } from './imports.ts';

export const INCOMING = 'incoming/';
export const PROCESSED = 'processed/';
export const REJECTED = 'rejected/';
const MAX_KEY_BYTES = 1024;
const encoder = new TextEncoder();

/** what the sweep uses of the FILES bucket */
export type SweepBucket = Pick<R2Bucket, 'list' | 'get' | 'put' | 'delete'>;
export type SweepCounts = { seen: number; imported: number; alreadyImported: number; skipped: number; failed: number };

export async function sweepIncoming(bucket: SweepBucket, { store, config, log, importRows, limit = 100 }: {
  store: IdempotencyStore;
  config: { idempotencyTtlSeconds: number; leaseSeconds: number };
  log: Logger;
  importRows: ImportRows;
  /** objects per run */
  limit?: number;
}): Promise<SweepCounts> {
  const listing = await bucket.list({ prefix: INCOMING, limit });
  const counts = { seen: listing.objects.length, imported: 0, alreadyImported: 0, skipped: 0, failed: 0 };
  for (const { key, etag } of listing.objects) {
    const objectLog = log.child({ objectKey: key });
    try {
      const result = await runOnce({
        store,
        key: `sweep ${key} ${etag}`,
        fingerprint: await fingerprintOf('SWEEP', key, { etag }),
        ttlSeconds: config.idempotencyTtlSeconds,
        leaseSeconds: config.leaseSeconds,
        log: objectLog,
        execute: () => importObject(bucket, key, { log: objectLog, importRows }),
      });
      if (result.kind === 'executed' || result.kind === 'replayed') {
        await move(bucket, key, (result.result as ImportOutcome).rejected ? REJECTED : PROCESSED);
        counts[result.kind === 'executed' ? 'imported' : 'alreadyImported'] += 1;
      } else {
        counts.skipped += 1;
      }
    } catch (error) {
      objectLog.error('import failed; tried again on the next run', { error: describeError(error, { withStack: true }) });
      counts.failed += 1;
    }
  }
  log.info('sweep finished', { ...counts, more: listing.truncated });
  return counts;
}

async function move(bucket: SweepBucket, key: string, folder: string): Promise<void> {
  const object = await bucket.get(key);
  if (!object) return;
  await bucket.put(await destinationOf(key, folder), object.body, {
    httpMetadata: object.httpMetadata,
    customMetadata: object.customMetadata,
  });
  await bucket.delete(key);
}

/**
 * The same name under `folder`. R2 keys have at most 1024 bytes and processed/ is one byte
 * longer than incoming/, so a name at the limit is shortened and made unique with a hash;
 * otherwise its move would fail on every run.
 * @param key under incoming/
 */
export async function destinationOf(key: string, folder: string): Promise<string> {
  const name = key.slice(INCOMING.length);
  if (encoder.encode(folder + name).byteLength <= MAX_KEY_BYTES) return folder + name;
  const suffix = `~${(await sha256Hex(name)).slice(0, 16)}`;
  const characters = [...name];
  while (encoder.encode(folder + characters.join('') + suffix).byteLength > MAX_KEY_BYTES) characters.pop();
  return folder + characters.join('') + suffix;
}
