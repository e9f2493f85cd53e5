// Invoice messages for the consumer fuzz properties: mostly valid or nearly valid invoices
// (so the fuzz reaches the idempotency store and the side effect), with personal data
// riding along, plus payloads of every other shape.
import fc from 'fast-check';
import { canaryFields } from './canaries.mjs';
import { hostileText, hugeNumberText } from './fuzz.mjs';

const invoiceId = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom('inv-1', 'inv-2', 'inv-3') },
  { weight: 4, arbitrary: fc.uuid().map((id) => `inv-${id}`) },
  { weight: 1, arbitrary: fc.constantFrom('', 'x'.repeat(129), 'x'.repeat(128), 42, null) },
  { weight: 1, arbitrary: hostileText },
);
const amount = fc.oneof(
  { weight: 4, arbitrary: fc.integer({ min: 1, max: 10_000_000 }) },
  { weight: 1, arbitrary: fc.constantFrom(0, -1, 1.5, 2 ** 53, Number.MAX_VALUE, '1299', null) },
);
const currency = fc.oneof({ weight: 4, arbitrary: fc.constantFrom('EUR', 'USD') }, { weight: 1, arbitrary: fc.constantFrom('eur', 'EURO', '', null) });

/** An invoice as a producer would send it, sometimes wrong in one field, sometimes carrying personal data. */
export const invoiceMessage = fc
  .record({ invoiceId, amount, currency, personal: fc.constantFrom(canaryFields) }, { requiredKeys: ['invoiceId', 'amount', 'currency'] })
  .map(({ personal, ...invoice }) => ({ ...invoice, ...personal }));

/** Anything else a message could carry (deep nesting is in fuzz.mjs's hostileJsonValue). */
export const otherPayload = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }),
  hostileText,
  hugeNumberText.map((number) => JSON.parse(`{"invoiceId":"inv-huge","amount":${number},"currency":"EUR"}`)),
);

/**
 * The contract of messages.mjs, written out again so the fuzz does not trust the code it checks.
 * @param {any} message  anything a message could carry
 * @returns {boolean}
 */
export function isValidInvoice(message) {
  return (
    typeof message?.invoiceId === 'string' &&
    message.invoiceId.length >= 1 &&
    message.invoiceId.length <= 128 &&
    Number.isSafeInteger(message.amount) &&
    message.amount > 0 &&
    /^[A-Z]{3}$/.test(message.currency)
  );
}
