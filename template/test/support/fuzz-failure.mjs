// What a failing fuzz property prints. fast-check's own report prints the whole
// counterexample, and the fuzz sends values nested thousands of levels deep on purpose:
// printing one overflows the stack, and the run ends in a RangeError from fast-check
// that hides the seed, the event and the check that failed. This report cuts the
// counterexample at MAX_PRINTED_DEPTH levels and keeps everything else.
import fc from 'fast-check';

const MAX_PRINTED_DEPTH = 16;

/**
 * A fast-check `reporter`: on failure, throws the usual report with a printable counterexample.
 * @template Ts
 * @param {import('fast-check').RunDetails<Ts>} details
 */
export function reportFuzzFailure(details) {
  if (!details.failed) return;
  const printable = { ...details, counterexample: details.counterexample && cutDeep(details.counterexample, 0) };
  // The cut counterexample no longer has the property's input type.
  throw new Error(fc.defaultReportMessage(/** @type {import('fast-check').RunDetails<unknown>} */ (printable)), { cause: details.errorInstance });
}

/**
 * @param {unknown} value
 * @param {number} depth
 * @returns {unknown}
 */
function cutDeep(value, depth) {
  if (value === null || typeof value !== 'object') return value;
  if (depth === MAX_PRINTED_DEPTH) return `[deeper than ${MAX_PRINTED_DEPTH} levels, not printed]`;
  if (Array.isArray(value)) return value.map((item) => cutDeep(item, depth + 1));
  const prototype = Object.getPrototypeOf(value);
  // A Map, Date, typed array or Request: fast-check prints it in its own way.
  if (prototype !== Object.prototype && prototype !== null) return value;
  return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, cutDeep(inner, depth + 1)]));
}
