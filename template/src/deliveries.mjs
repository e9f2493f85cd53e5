// The example domain: replace `handOn` with what a delivery should cause. POST /webhook
// accepts each verified delivery once per provider event id; a redelivery gets the
// first answer back without running `handOn` again.
import { jsonResponse } from './lib/http.mjs';

export const WEBHOOK_PATH = '/webhook';

/**
 * What `handOn` gets of a verified delivery.
 * @typedef {object} Delivery
 * @property {string} eventId  the provider's event id
 * @property {string} type     the event type, 'unknown' when it names none
 * @property {Record<string, unknown>} payload  the JSON body
 */
/**
 * @typedef {(delivery: Delivery, context: { idempotencyKey: string, log: import('./lib/logger.mjs').Logger }) => Promise<unknown>} DeliveryHandOn
 */

/**
 * @param {unknown} input  the parsed JSON body
 * @returns {import('./lib/api.mjs').Validation}  the value is the body, a JSON object
 */
export function validateDelivery(input) {
  if (input === null || typeof input !== 'object' || Array.isArray(input)) {
    return { errors: [{ field: '', message: 'must be a JSON object' }] };
  }
  return { value: input };
}

/**
 * @param { { handOn: DeliveryHandOn } } options
 * @returns {import('./lib/api.mjs').Route[]}
 */
export function createDeliveryRoutes({ handOn }) {
  return [
    {
      method: 'POST',
      path: WEBHOOK_PATH,
      body: 'json',
      idempotent: true,
      /** @param {import('./lib/webhook-auth.mjs').WebhookRequest} request */
      idempotencyKey: (request) => request.eventId,
      validate: validateDelivery,
      /**
       * Runs only once the event id is the idempotency key, so both are set.
       * @param {import('./lib/api.mjs').RouteContext & { input: Record<string, unknown>, request: { eventId: string }, idempotencyKey: string } } context
       */
      handle: async ({ input, request, log, idempotencyKey }) => {
        // Pass idempotencyKey on to what the delivery triggers (see logDelivery).
        await handOn({ eventId: request.eventId, type: typeOf(input, request), payload: input }, { idempotencyKey, log });
        return jsonResponse(200, { received: true, eventId: request.eventId });
      },
    },
  ];
}

/**
 * Standard Webhooks and Stripe name the event type in the body; GitHub in a header.
 * @param {Record<string, unknown>} input
 * @param {import('./lib/http.mjs').HttpRequest} request
 * @returns {string}
 */
function typeOf(input, request) {
  const type = request.headers['x-github-event'] ?? input.type;
  return typeof type === 'string' ? type : 'unknown';
}

/**
 * The example side effect only logs. A real one hands `idempotencyKey` (the same for every
 * redelivery of this event) to what it calls, e.g. as SQS MessageDeduplicationId, so the
 * one duplicate a store outage right after the side effect can cause is dropped there.
 * @param {Delivery} delivery
 * @param { { idempotencyKey: string, log: import('./lib/logger.mjs').Logger } } context
 * @returns {Promise<void>}
 */
export async function logDelivery(delivery, { idempotencyKey, log }) {
  log.info('webhook accepted', { eventId: delivery.eventId, type: delivery.type, downstreamKey: idempotencyKey });
}
