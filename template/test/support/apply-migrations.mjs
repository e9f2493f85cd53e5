// Applies migrations/ to the test D1 database before each test file, as
// `wrangler d1 migrations apply` does for the real one.
import { applyD1Migrations, env } from 'cloudflare:test';

await applyD1Migrations(env.IDEMPOTENCY_DB, env.TEST_MIGRATIONS);
