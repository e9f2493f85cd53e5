// API key check for the x-api-key header. Several keys can be valid at once, so a new
// key can go live before the old one is removed. `keys` is a comma-separated string or
// an array (a Worker secret), or an async function returning them (a secret store).
// A refusal is always the same 401: it never says whether the key was missing, unknown or old.
// An accepted key names the caller (`request.caller`) by a digest, never by the key itself.
import { matchesAny } from './constant-time.mjs';
import { sha256 } from './digest.mjs';
import { errorResponse } from './http.mjs';
import { describeError } from './logger.mjs';

/** A secret store's reader of the current keys (src/secrets.mjs makes one on Lambda). */
/** @typedef {(options?: { budget?: import('./deadline.mjs').Budget }) => Promise<string[]>} KeyLoader */

/**
 * @param {string | string[] | undefined | KeyLoader} keys
 * @returns {import('./api.mjs').Authenticate}
 */
export function createApiKeyCheck(keys) {
  const staticDigests = typeof keys === 'function' ? null : digestsOf(keys);
  /** @type { { keys: undefined, digests: undefined } | { keys: string[], digests: Promise<Uint8Array[]> } } */
  let loaded = { keys: undefined, digests: undefined };

  /**
   * @param {import('./deadline.mjs').Budget} budget
   * @returns {Promise<Uint8Array[]>}
   */
  async function currentDigests(budget) {
    if (staticDigests) return staticDigests;
    // Only a loader gets here (staticDigests is null), but TypeScript does not narrow `keys` across functions.
    const list = await /** @type {KeyLoader} */ (keys)({ budget });
    // The loader caches its keys; hash them again only when it hands back a new list.
    if (list !== loaded.keys) loaded = { keys: list, digests: digestsOf(list) };
    return loaded.digests;
  }

  return async function authenticate(request, { log, budget }) {
    let keyDigests;
    try {
      keyDigests = await currentDigests(budget);
    } catch (error) {
      // The key store is down: not the caller's fault, so 503 rather than 401.
      log.error('api keys unavailable', { error: describeError(error) });
      return errorResponse(503, 'temporarily_unavailable', 'Try again later.', {}, { 'retry-after': '5' });
    }
    const supplied = request.headers['x-api-key'];
    const suppliedDigest = typeof supplied === 'string' && supplied !== '' ? await sha256(supplied) : null;
    if (suppliedDigest && matchesAny(suppliedDigest, keyDigests)) {
      request.caller = `api-key:${hex(suppliedDigest).slice(0, 32)}`;
      return null;
    }
    if (keyDigests.length === 0) log.error('no API keys configured: store at least one key in the API keys secret');
    log.warn('request refused: missing or unknown api key');
    return errorResponse(401, 'unauthorized', 'A valid x-api-key header is required.', {}, { 'www-authenticate': 'ApiKey' });
  };
}

/** @param {Uint8Array} bytes */
const hex = (bytes) => [...bytes].map((byte) => byte.toString(16).padStart(2, '0')).join('');

// Keys are compared as digests: equal lengths, so the comparison length leaks nothing either.
/**
 * @param {string | string[] | undefined} keys
 * @returns {Promise<Uint8Array[]>}
 */
function digestsOf(keys) {
  const list = Array.isArray(keys) ? keys : String(keys ?? '').split(',');
  return Promise.all(list.map((key) => String(key).trim()).filter(Boolean).map(sha256));
}
