// What a failing fuzz property prints. fast-check's own report prints the whole
// counterexample, and the fuzz sends values nested thousands of levels deep on purpose:
// printing one overflows the stack, and the run ends in a RangeError from fast-check
// that hides the seed, the event and the check that failed. This report cuts the
// counterexample at MAX_PRINTED_DEPTH levels and keeps everything else.
import fc from 'fast-check';
import type { RunDetails } from 'fast-check';

const MAX_PRINTED_DEPTH = 16;

/** A fast-check `reporter`: on failure, throws the usual report with a printable counterexample. */
export function reportFuzzFailure<Ts>(details: RunDetails<Ts>) {
  if (!details.failed) return;
  const printable = { ...details, counterexample: details.counterexample && cutDeep(details.counterexample, 0) };
  // The cut counterexample no longer has the property's input type.
  throw new Error(fc.defaultReportMessage((printable as RunDetails<unknown>)), { cause: details.errorInstance });
}

function cutDeep(value: unknown, depth: number): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (depth === MAX_PRINTED_DEPTH) return `[deeper than ${MAX_PRINTED_DEPTH} levels, not printed]`;
  if (Array.isArray(value)) return value.map((item) => cutDeep(item, depth + 1));
  const prototype = Object.getPrototypeOf(value);
  // A Map, Date, typed array or Request: fast-check prints it in its own way.
  if (prototype !== Object.prototype && prototype !== null) return value;
  return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, cutDeep(inner, depth + 1)]));
}
