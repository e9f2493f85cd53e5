// The example domain: replace it with your own. POST /orders accepts an order once
// per Idempotency-Key and hands it on; GET /health answers while the function runs.
import { jsonResponse } from './lib/http.ts';
import type { Logger } from './lib/logger.ts';
import type { FieldError, Route, RouteContext, Validation } from './lib/api.ts';

const CURRENCY = /^[A-Z]{3}$/;

export type OrderInput = { amount: number; currency: string };
export type Order = OrderInput & { orderId: string; status: 'accepted' };
export type HandOn = (order: Order, context: { idempotencyKey: string; log: Logger }) => Promise<unknown>;

/**
 * Returns { value } with only the known fields, or { errors: [{ field, message }] }.
 * @param input the parsed JSON body, not yet checked
 * @returns the value is an OrderInput
 */
export function validateOrder(input: any): Validation {
  if (input === null || typeof input !== 'object' || Array.isArray(input)) {
    return { errors: [{ field: '', message: 'must be a JSON object' }] };
  }
  const errors: FieldError[] = [];
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
 */
export function createOrderRoutes({ handOn }: { handOn: HandOn }): Route[] {
  return [
    { method: 'GET', path: '/health', handle: async () => jsonResponse(200, { status: 'ok' }) },
    {
      method: 'POST',
      path: '/orders',
      body: 'json',
      idempotent: true,
      validate: validateOrder,
      handle: async ({ input, log, idempotencyKey }: RouteContext & { input: OrderInput; idempotencyKey: string }) => {
        const order: Order = { orderId: crypto.randomUUID(), status: 'accepted', amount: input.amount, currency: input.currency };
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
 */
export async function logOrder(order: Order, { idempotencyKey, log }: {
  idempotencyKey: string;
  log: Logger;
}): Promise<void> {
  log.info('order accepted', { orderId: order.orderId, amount: order.amount, currency: order.currency, downstreamKey: idempotencyKey });
}
