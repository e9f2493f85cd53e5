// Types for the test dependencies that publish none, so that `npm run typecheck` checks
// their callers instead of reading every use as `any`.

declare module 'dynalite' {
  import type { Server } from 'node:http';

  /** The options the tests pass; dynalite takes more (see its README). */
  interface DynaliteOptions {
    createTableMs?: number;
    deleteTableMs?: number;
    updateTableMs?: number;
  }

  /** Makes a DynamoDB emulator; it listens once the caller calls `listen`. */
  export default function dynalite(options?: DynaliteOptions): Server;
}
