// Applies migrations/ to the test D1 database before each test file, as
// `wrangler d1 migrations apply` does for the real one.
import { applyD1Migrations, env } from 'cloudflare:test';

// TEST_MIGRATIONS is a binding of vitest.config.mjs (readD1Migrations), not of wrangler.jsonc.
await applyD1Migrations(env.IDEMPOTENCY_DB, /** @type {Env & { TEST_MIGRATIONS: import('cloudflare:test').D1Migration[] }} */ (env).TEST_MIGRATIONS);
