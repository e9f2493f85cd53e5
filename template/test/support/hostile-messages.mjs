// Order messages for the consumer fuzz properties: mostly valid or nearly valid orders
// (so the fuzz reaches the idempotency store and the side effect), with personal data
// riding along, plus payloads of every other shape.
import fc from 'fast-check';
import { canaryFields } from './canaries.mjs';
import { hostileText, hugeNumberText } from './fuzz.mjs';

const orderId = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom('ord-1', 'ord-2', 'ord-3') },
  { weight: 4, arbitrary: fc.uuid().map((id) => `ord-${id}`) },
  { weight: 1, arbitrary: fc.constantFrom('', 'x'.repeat(129), 'x'.repeat(128), 42, null) },
  { weight: 1, arbitrary: hostileText },
);
const amount = fc.oneof(
  { weight: 4, arbitrary: fc.integer({ min: 1, max: 10_000_000 }) },
  { weight: 1, arbitrary: fc.constantFrom(0, -1, 1.5, 2 ** 53, Number.MAX_VALUE, '1299', null) },
);
const currency = fc.oneof({ weight: 4, arbitrary: fc.constantFrom('EUR', 'USD') }, { weight: 1, arbitrary: fc.constantFrom('eur', 'EURO', '', null) });

/** An order as a producer would send it, sometimes wrong in one field, sometimes carrying personal data. */
export const orderMessage = fc
  .record({ orderId, amount, currency, personal: fc.constantFrom(canaryFields) }, { requiredKeys: ['orderId', 'amount', 'currency'] })
  .map(({ personal, ...order }) => ({ ...order, ...personal }));

/** Anything else a message could carry (deep nesting is in fuzz.mjs's hostileJsonValue). */
export const otherPayload = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }),
  hostileText,
  hugeNumberText.map((number) => JSON.parse(`{"orderId":"ord-huge","amount":${number},"currency":"EUR"}`)),
);

/** The contract of messages.mjs, written out again so the fuzz does not trust the code it checks. */
export function isValidOrder(message) {
  return (
    typeof message?.orderId === 'string' &&
    message.orderId.length >= 1 &&
    message.orderId.length <= 128 &&
    Number.isSafeInteger(message.amount) &&
    message.amount > 0 &&
    /^[A-Z]{3}$/.test(message.currency)
  );
}
