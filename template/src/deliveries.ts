// The example domain: replace `handOn` with what a delivery should cause. POST /webhook
// accepts each verified delivery once per provider event id; a redelivery gets the
// first answer back without running `handOn` again.
import { jsonResponse, type HttpRequest } from './lib/http.ts';
import type { Logger } from './lib/logger.ts';
import type { Route, RouteContext, Validation } from './lib/api.ts';
import type { WebhookRequest } from './lib/webhook-auth.ts';

export const WEBHOOK_PATH = '/webhook';

/** What `handOn` gets of a verified delivery. */
export interface Delivery {
  /** the provider's event id */
  eventId: string;
  /** the event type, 'unknown' when it names none */
  type: string;
  /** the JSON body */
  payload: Record<string, unknown>;
}
export type DeliveryHandOn = (delivery: Delivery, context: { idempotencyKey: string; log: Logger }) => Promise<unknown>;

/**
 * @param input the parsed JSON body
 * @returns the value is the body, a JSON object
 */
export function validateDelivery(input: unknown): Validation {
  if (input === null || typeof input !== 'object' || Array.isArray(input)) {
    return { errors: [{ field: '', message: 'must be a JSON object' }] };
  }
  return { value: input };
}

export function createDeliveryRoutes({ handOn }: { handOn: DeliveryHandOn }): Route[] {
  return [
    {
      method: 'POST',
      path: WEBHOOK_PATH,
      body: 'json',
      idempotent: true,
      idempotencyKey: (request: WebhookRequest) => request.eventId,
      validate: validateDelivery,
      /** Runs only once the event id is the idempotency key, so both are set. */
      handle: async ({ input, request, log, idempotencyKey }: RouteContext & { input: Record<string, unknown>; request: { eventId: string }; idempotencyKey: string }) => {
        // Pass idempotencyKey on to what the delivery triggers (see logDelivery).
        await handOn({ eventId: request.eventId, type: typeOf(input, request), payload: input }, { idempotencyKey, log });
        return jsonResponse(200, { received: true, eventId: request.eventId });
      },
    },
  ];
}

/** Standard Webhooks and Stripe name the event type in the body; GitHub in a header. */
function typeOf(input: Record<string, unknown>, request: HttpRequest): string {
  const type = request.headers['x-github-event'] ?? input.type;
  return typeof type === 'string' ? type : 'unknown';
}

/**
 * The example side effect only logs. A real one hands `idempotencyKey` (the same for every
 * redelivery of this event) to what it calls, e.g. as SQS MessageDeduplicationId, so the
 * one duplicate a store outage right after the side effect can cause is dropped there.
 */
export async function logDelivery(delivery: Delivery, { idempotencyKey, log }: {
  idempotencyKey: string;
  log: Logger;
}): Promise<void> {
  log.info('webhook accepted', { eventId: delivery.eventId, type: delivery.type, downstreamKey: idempotencyKey });
}
