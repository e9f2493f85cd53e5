// Signature check for the webhook route, shared by Lambda and Workers: it runs before
// routing, body checks and idempotency, so nothing unverified reaches the store or the
// side effect. `loadSecrets` returns every secret currently accepted (rotation).
// All of them speak for the same sender, so the event id is scoped to this endpoint's
// secret set as a whole (`request.caller`): a rotation does not make a redelivery new.
import { errorResponse } from './http.mjs';
import { describeError } from './logger.mjs';
import { verifyWebhook } from './signatures.mjs';

/**
 * A request the check let in carries the provider's event id (the route's idempotency key).
 * @typedef {import('./http.mjs').HttpRequest & { eventId?: string } } WebhookRequest
 */

/**
 * @param {object} options
 * @param {string} options.scheme  one of SCHEMES (signatures.mjs)
 * @param {(options: { budget: import('./deadline.mjs').Budget }) => Promise<string[]>} options.loadSecrets
 * @param {number} [options.toleranceSeconds]
 * @param {() => number} [options.now]  clock in epoch seconds
 * @returns {import('./api.mjs').Authenticate}
 */
export function createSignatureCheck({ scheme, loadSecrets, toleranceSeconds, now }) {
  /**
   * @param {WebhookRequest} request
   * @param { { log: import('./logger.mjs').Logger, budget: import('./deadline.mjs').Budget } } context
   * @returns {Promise<import('./http.mjs').HttpResponse | null>}
   */
  return async function authenticate(request, { log, budget }) {
    /** @type {string[]} */
    let secrets;
    try {
      secrets = await loadSecrets({ budget });
    } catch (error) {
      // Not the caller's fault: 503 makes the provider retry instead of dropping the event.
      log.error('webhook secrets unavailable', { error: describeError(error) });
      return errorResponse(503, 'temporarily_unavailable', 'Try again later.', {}, { 'retry-after': '5' });
    }
    const verdict = await verifyWebhook({
      scheme,
      headers: request.headers,
      rawBody: request.body ?? new Uint8Array(),
      secrets,
      toleranceSeconds,
      ...(now ? { now } : {}),
    });
    if (!verdict.ok) {
      // The reason goes to the log only; the caller learns nothing it could use to probe.
      log.warn('webhook rejected', { reason: verdict.reason });
      return errorResponse(401, 'unauthorized', 'The delivery could not be verified.');
    }
    request.eventId = verdict.eventId;
    request.caller = `webhook:${scheme}`;
    return null;
  };
}
