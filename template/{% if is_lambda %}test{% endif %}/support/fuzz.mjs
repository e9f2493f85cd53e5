// Property-based fuzzing with fast-check: a property feeds the handler thousands of
// generated events and checks that the contract holds for every one of them.
//
// FUZZ_RUNS sets how many events each property generates: 1000 by default, so
// `npm test` stays quick; CI can raise it (the template's own CI runs 10 000).
// When a property fails, fast-check prints its seed and the smallest event that breaks
// it; rerun with FUZZ_SEED=<seed> to reproduce, and keep the event as a named test.
import fc from 'fast-check';

export const FUZZ_RUNS = positiveInteger(process.env.FUZZ_RUNS, 1000);
const FUZZ_SEED = process.env.FUZZ_SEED === undefined ? undefined : Number(process.env.FUZZ_SEED);

/**
 * Runs `check(input, invoke)` for FUZZ_RUNS inputs drawn from `arbitrary`; `invoke` calls
 * the handler and counts the call. After the property passes, one line reports how many
 * events the handler really received:
 *   FUZZ-REPORT {"target":"<target>","events":<count>,"failures":0}
 */
export async function fuzz({ target, handler, arbitrary, check, runs = FUZZ_RUNS }) {
  let events = 0;
  const invoke = (event) => {
    events += 1;
    return handler(event, { awsRequestId: `fuzz-${events}` });
  };
  await fc.assert(
    fc.asyncProperty(arbitrary, async (input) => {
      await check(input, invoke);
    }),
    { numRuns: runs, includeErrorInReport: true, ...(Number.isFinite(FUZZ_SEED) ? { seed: FUZZ_SEED } : {}) },
  );
  console.log(`FUZZ-REPORT ${JSON.stringify({ target, events, failures: 0 })}`);
}

function positiveInteger(value, fallback) {
  const parsed = Number(value);
  return Number.isSafeInteger(parsed) && parsed > 0 ? parsed : fallback;
}

// ── Hostile values shared by the HTTP and the event-consumer properties ──────────────

const NASTY_STRINGS = [
  '', ' ', '\u0000', '\r\n', '\t\u001b[31m', '\uD800', '\uFFFF', '\u202Eevil', '💥', 'null', 'undefined', 'NaN',
  '__proto__', 'constructor', 'toString', '../../etc/passwd', '%00', '%', '%E0%A4%A', '${7*7}', '<%= 7*7 %>', '<script>',
];

// Any code point, lone surrogates included (fc's 'binary' unit does the same, but
// builds a table of all 1.1 million on first use).
const anyCodePoint = fc.integer({ min: 0, max: 0x10ffff }).map((code) => String.fromCodePoint(code));

/** Short strings of every kind: control characters, lone surrogates, unicode, known troublemakers. */
export const hostileText = fc.oneof(
  { weight: 2, arbitrary: fc.constantFrom(...NASTY_STRINGS) },
  { weight: 2, arbitrary: fc.string({ unit: anyCodePoint, maxLength: 40 }) },
  { weight: 1, arbitrary: fc.string({ unit: fc.integer({ min: 0, max: 0x1f }).map((code) => String.fromCharCode(code)), maxLength: 20 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 20 }) },
);

/** A string far longer than any real header, key or id. */
export const enormousText = fc
  .tuple(fc.constantFrom('x', 'é', '\u0000', '🙂', 'a,'), fc.integer({ min: 10_000, max: 120_000 }))
  .map(([unit, length]) => unit.repeat(length));

// Built once: generating and parsing ten thousand levels for every event would dominate the run.
const DEPTHS = [64, 65, 500, 2_000, 5_000, 12_000];
const DEEP_TEXTS = DEPTHS.flatMap((depth) => [`${'['.repeat(depth)}1${']'.repeat(depth)}`, `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`]);
const DEEP_VALUES = DEEP_TEXTS.map((text) => JSON.parse(text));

/** JSON text nested up to 12 000 levels: parsers cope, recursive code (stringify, hashing) may not. */
export const deepJsonText = fc.constantFrom(...DEEP_TEXTS);

/** Numbers JSON allows but JavaScript cannot hold: infinity after parsing, lost precision, -0. */
export const hugeNumberText = fc.constantFrom('1e400', '-1e400', '1e-400', '-0', '9007199254740993', `1${'0'.repeat(400)}`, '0.1e1', '1E+2', '123456789012345678901234567890');

/** JSON text that parses to something other than an object. */
export const nonObjectJsonText = fc.oneof(
  fc.constantFrom('null', 'true', 'false', '0', '""', '[]', '[{}]', '"{}"'),
  hugeNumberText,
  fc.jsonValue({ maxDepth: 2 }).filter((value) => value === null || typeof value !== 'object' || Array.isArray(value)).map((value) => JSON.stringify(value)),
);

/** Text that is not JSON at all, or JSON cut short. */
export const brokenJsonText = fc.oneof(
  fc.constantFrom('{', '{"amount":', '{"a":1,}', "{'a':1}", '[1,2', 'NaN', 'Infinity', 'undefined', '\u0000{}', '{}{}', '\uFEFF{}'),
  fc.json({ maxDepth: 2 }).filter((text) => text.length > 1).map((text) => text.slice(0, -1)),
  hostileText,
);

/** Bytes that are not valid UTF-8: stray continuation bytes, overlong forms, surrogates, cut sequences. */
export const invalidUtf8 = fc
  .tuple(
    fc.uint8Array({ maxLength: 20 }),
    fc.constantFrom([0xff], [0xfe, 0xff], [0x80], [0xc0, 0x80], [0xed, 0xa0, 0x80], [0xf8, 0x88, 0x80, 0x80, 0x80], [0xe2, 0x82], [0x7b, 0xff, 0x7d]),
    fc.uint8Array({ maxLength: 20 }),
  )
  .map(([before, invalid, after]) => Buffer.concat([before, Buffer.from(invalid), after]));

/** Any JSON-shaped value (what a Lambda event can carry), including very deep and very odd ones. */
export const hostileJsonValue = fc.oneof(
  { weight: 4, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
  { weight: 1, arbitrary: fc.constantFrom(null, 0, -1, 1.5, true, '', [], {}, Number.MAX_VALUE, { toString: 1 }, { valueOf: {}, toString: {} }) },
  { weight: 1, arbitrary: hostileText },
  { weight: 1, arbitrary: fc.constantFrom(...DEEP_VALUES) },
);
