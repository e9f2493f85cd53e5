// D1 idempotency store (table created by migrations/0001_create_idempotency_records.sql).
// The claim is one batch, which D1 runs as a single transaction: drop this key's
// record if it expired or its lease ended, insert a new one unless the key exists
// (the primary key makes the insert the atomic decision), then read the winner.
import { ClaimLostError, COMPLETED, IN_PROGRESS, type IdempotencyStore } from '../idempotency.ts';

// D1 keeps at most 2,000,000 bytes in one row; the key and the other columns need well under 4 KB.
export const MAX_RESULT_BYTES = 2_000_000 - 4 * 1024;

/** A row of idempotency_records (migrations/0001_create_idempotency_records.sql), as read back. */
export type RecordRow = { fingerprint: string; state: string; lease_until: number; expires_at: number; result: string | null };

/**
 * @param db the IDEMPOTENCY_DB binding
 */
export function createD1Store(db: D1Database): IdempotencyStore & { deleteExpired: (now: number) => Promise<number> } {
  return {
    maxResultBytes: MAX_RESULT_BYTES,

    async claim({ key, fingerprint, token, now, leaseUntil, expiresAt }) {
      const [, inserted, current] = await db.batch([
        db
          .prepare(
            `DELETE FROM idempotency_records
              WHERE key = ?1 AND (expires_at <= ?2 OR (state = ?3 AND lease_until <= ?2))`,
          )
          .bind(key, now, IN_PROGRESS),
        db
          .prepare(
            `INSERT INTO idempotency_records (key, fingerprint, token, state, lease_until, expires_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)
             ON CONFLICT (key) DO NOTHING`,
          )
          .bind(key, fingerprint, token, IN_PROGRESS, leaseUntil, expiresAt),
        db
          .prepare('SELECT fingerprint, state, lease_until, expires_at, result FROM idempotency_records WHERE key = ?1')
          .bind(key),
      ]) as [D1Result, D1Result, D1Result<RecordRow>];
      if (inserted.meta.changes === 1) return { claimed: true };
      const row = current.results[0];
      return {
        claimed: false,
        record: {
          fingerprint: row.fingerprint,
          state: row.state,
          leaseUntil: row.lease_until,
          expiresAt: row.expires_at,
          result: row.result ? JSON.parse(row.result) : undefined,
        },
      };
    },

    async complete({ key, token, result, expiresAt }) {
      const { meta } = await db
        .prepare(
          `UPDATE idempotency_records SET state = ?1, result = ?2, expires_at = ?3, lease_until = NULL
            WHERE key = ?4 AND token = ?5`,
        )
        .bind(COMPLETED, JSON.stringify(result), expiresAt, key, token)
        .run();
      if (meta.changes !== 1) throw new ClaimLostError(`claim on ${key} was lost before completion`);
    },

    async release({ key, token }) {
      await db.prepare('DELETE FROM idempotency_records WHERE key = ?1 AND token = ?2').bind(key, token).run();
    },

    /**
     * Run from the scheduled handler: expired rows are dead weight, nothing reads them.
     * @param now epoch seconds
 */
    async deleteExpired(now: number) {
      const { meta } = await db.prepare('DELETE FROM idempotency_records WHERE expires_at <= ?1').bind(now).run();
      return meta.changes;
    },
  };
}
