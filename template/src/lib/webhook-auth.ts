// Signature check for the webhook route, shared by Lambda and Workers: it runs before
// routing, body checks and idempotency, so nothing unverified reaches the store or the
// side effect. `loadSecrets` returns every secret currently accepted (rotation).
// All of them speak for the same sender, so the event id is scoped to this endpoint's
// secret set as a whole (`request.caller`): a rotation does not make a redelivery new.
import { errorResponse, type HttpRequest, type HttpResponse } from './http.ts';
import { describeError, type Logger } from './logger.ts';
import { verifyWebhook } from './signatures.ts';
import type { Budget } from './deadline.ts';
import type { Authenticate } from './api.ts';

/** A request the check let in carries the provider's event id (the route's idempotency key). */
export type WebhookRequest = HttpRequest & { eventId?: string };

export function createSignatureCheck({ scheme, loadSecrets, toleranceSeconds, now }: {
  /** one of SCHEMES (signatures.ts) */
  scheme: string;
  loadSecrets: (options: { budget: Budget }) => Promise<string[]>;
  toleranceSeconds?: number;
  /** clock in epoch seconds */
  now?: () => number;
}): Authenticate {
  return async function authenticate(request: WebhookRequest, { log, budget }: {
    log: Logger;
    budget: Budget;
  }): Promise<HttpResponse | null> {
    let secrets: string[];
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
