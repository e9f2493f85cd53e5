-- Idempotency records: one row per key. The primary key is what makes a claim atomic:
-- of two concurrent inserts for one key, exactly one succeeds.
CREATE TABLE idempotency_records (
  key TEXT PRIMARY KEY,
  fingerprint TEXT NOT NULL,
  token TEXT NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('in_progress', 'completed')),
  lease_until INTEGER,
  expires_at INTEGER NOT NULL,
  result TEXT
);

CREATE INDEX idempotency_records_expires_at ON idempotency_records (expires_at);
