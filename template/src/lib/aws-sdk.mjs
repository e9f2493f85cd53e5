// Loads an AWS SDK v3 client package (the Lambda runtime ships them) with `require`, not
// `import`. The packages are CommonJS: an ES import of one makes Node run its ES-to-CommonJS
// translation (export-name lexing, URL resolution) on every file the client pulls in, and
// that is about 30 % of a DynamoDB client's load time, paid on every cold start
// (bench/README.md in the template measures it). `require` loads the same files without it.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

/**
 * Typed by the caller with a cast to `typeof import(name)`: each variant ships other packages.
 * @param {string} name  e.g. '@aws-sdk/client-dynamodb'
 * @returns {unknown}
 */
export function loadAwsSdk(name) {
  return require(name);
}

/**
 * Options for a client that cannot hang: `timeoutMs` to connect and `timeoutMs` for an answer, one retry.
 * @param {number} timeoutMs
 */
export function clientOptions(timeoutMs) {
  return { maxAttempts: 2, requestHandler: { connectionTimeout: timeoutMs, requestTimeout: timeoutMs } };
}
