// API key check for the x-api-key header. Several keys can be valid at once, so a new
// key can go live before the old one is removed. `keys` is a comma-separated string or
// an array (a Worker secret), or an async function returning them (a secret store).
// A refusal is always the same 401: it never says whether the key was missing, unknown or old.
// An accepted key names the caller (`request.caller`) by a digest, never by the key itself.
import { matchesAny } from './constant-time.ts';
import { sha256 } from './digest.ts';
import { errorResponse } from './http.ts';
import { describeError } from './logger.ts';
import type { Budget } from './deadline.ts';
import type { Authenticate } from './api.ts';

/** A secret store's reader of the current keys (src/secrets.ts makes one on Lambda). */
export type KeyLoader = (options?: { budget?: Budget }) => Promise<string[]>;

export function createApiKeyCheck(keys: string | string[] | undefined | KeyLoader): Authenticate {
  const staticDigests = typeof keys === 'function' ? null : digestsOf(keys);
  let loaded: { keys: undefined; digests: undefined } | { keys: string[]; digests: Promise<Uint8Array[]> } = { keys: undefined, digests: undefined };

  async function currentDigests(budget: Budget): Promise<Uint8Array[]> {
    if (staticDigests) return staticDigests;
    // Only a loader gets here (staticDigests is null), but TypeScript does not narrow `keys` across functions.
    const list = await (keys as KeyLoader)({ budget });
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

const hex = (bytes: Uint8Array) => [...bytes].map((byte) => byte.toString(16).padStart(2, '0')).join('');

// Keys are compared as digests: equal lengths, so the comparison length leaks nothing either.
function digestsOf(keys: string | string[] | undefined): Promise<Uint8Array[]> {
  const list = Array.isArray(keys) ? keys : String(keys ?? '').split(',');
  return Promise.all(list.map((key) => String(key).trim()).filter(Boolean).map(sha256));
}
