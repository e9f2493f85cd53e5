// The example domain: replace it with your own. POST /orders accepts an order once
// per Idempotency-Key and hands it on; GET /health answers while the function runs.
import { jsonResponse } from './lib/http.mjs';

const CURRENCY = /^[A-Z]{3}$/;

/** @typedef { { amount: number, currency: string } } OrderInput */
/** @typedef {OrderInput & { orderId: string, status: 'accepted' } } Order */
/**
 * @typedef {(order: Order, context: { idempotencyKey: string, log: import('./lib/logger.mjs').Logger }) => Promise<unknown>} HandOn
 */

/**
 * Returns { value } with only the known fields, or { errors: [{ field, message }] }.
 * @param {any} input  the parsed JSON body, not yet checked
 * @returns {import('./lib/api.mjs').Validation}  the value is an OrderInput
 */
export function validateOrder(input) {
  if (input === null || typeof input !== 'object' || Array.isArray(input)) {
    return { errors: [{ field: '', message: 'must be a JSON object' }] };
  }
  /** @type {import('./lib/api.mjs').FieldError[]} */
  const errors = [];
  if (!Number.isSafeInteger(input.amount) || input.amount <= 0) {
    errors.push({ field: 'amount', message: 'must be a positive integer in minor units (cents)' });
  }
  if (typeof input.currency !== 'string' || !CURRENCY.test(input.currency)) {
    errors.push({ field: 'currency', message: 'must be three uppercase letters (ISO 4217), e.g. EUR' });
  }
  return errors.length ? { errors } : { value: { amount: input.amount, currency: input.currency } };
}

/**
 * `handOn` is the side effect (publish to a queue, call a payment API, …). It runs once per
 * caller and Idempotency-Key; the default only logs, so replace it with yours. Pass
 * `idempotencyKey` on (see logOrder): it is how downstream drops the one duplicate a store
 * outage right after the side effect can still cause.
 * @param { { handOn: HandOn } } options
 * @returns {import('./lib/api.mjs').Route[]}
 */
export function createOrderRoutes({ handOn }) {
  return [
    { method: 'GET', path: '/health', handle: async () => jsonResponse(200, { status: 'ok' }) },
    {
      method: 'POST',
      path: '/orders',
      body: 'json',
      idempotent: true,
      validate: validateOrder,
      /** @param {import('./lib/api.mjs').RouteContext & { input: OrderInput, idempotencyKey: string } } context */
      handle: async ({ input, log, idempotencyKey }) => {
        /** @type {Order} */
        const order = { orderId: crypto.randomUUID(), status: 'accepted', amount: input.amount, currency: input.currency };
        await handOn(order, { idempotencyKey, log });
        return jsonResponse(202, order);
      },
    },
  ];
}

/**
 * The example side effect only logs. A real one hands `idempotencyKey` (64 hex characters,
 * the same for every retry of one caller's request) to the system it calls, e.g.
 *   SQS FIFO:  new SendMessageCommand({ QueueUrl, MessageGroupId, MessageBody, MessageDeduplicationId: idempotencyKey })
 *   HTTP API:  fetch(url, { method: 'POST', headers: { 'Idempotency-Key': `"${idempotencyKey}"` }, body })
 * @param {Order} order
 * @param { { idempotencyKey: string, log: import('./lib/logger.mjs').Logger } } context
 * @returns {Promise<void>}
 */
export async function logOrder(order, { idempotencyKey, log }) {
  log.info('order accepted', { orderId: order.orderId, amount: order.amount, currency: order.currency, downstreamKey: idempotencyKey });
}
