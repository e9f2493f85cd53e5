// Applies migrations/ to the test D1 database before each test file, as
// `wrangler d1 migrations apply` does for the real one.
import { applyD1Migrations, env, type D1Migration } from 'cloudflare:test';

// TEST_MIGRATIONS is a binding of vitest.config.ts (readD1Migrations), not of wrangler.jsonc.
await applyD1Migrations(env.IDEMPOTENCY_DB, (env as Env & { TEST_MIGRATIONS: D1Migration[] }).TEST_MIGRATIONS);
