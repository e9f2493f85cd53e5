// One JSON object per line, so log tools can filter on fields instead of parsing text.
// Values under sensitive keys are replaced before anything is written: a log line
// is read by more people, and kept longer, than the request it describes.

const ALWAYS_REDACTED = /authorization|cookie|signature|secret|token|password|api[-_]?key|credential/i;
// Payment card data must never reach logs (PCI DSS). Matched as a word of the key, so
// `cardNumber` and `card_cvc` are redacted while `discarded` and `panel` are not.
const CARD_WORDS = new Set(['card', 'cvc', 'cvv', 'pan', 'iban']);
/** @type {Record<string, number>} */
const LEVELS = { debug: 10, info: 20, warn: 30, error: 40 };

/**
 * @typedef {(message: string, fields?: Record<string, unknown>) => void} LogMethod
 * @typedef {object} Logger  what createLogger() and child() return
 * @property {LogMethod} debug
 * @property {LogMethod} info
 * @property {LogMethod} warn
 * @property {LogMethod} error
 * @property {(fields: Record<string, unknown>) => Logger} child  a logger adding `fields` to every line
 */

/**
 * @param {object} [options]
 * @param {Record<string, unknown>} [options.base]  fields of every line
 * @param {string[]} [options.redactFields]  personal-data keys, redacted like secrets
 * @param {(line: string) => void} [options.write]
 * @param {string} [options.level]  debug, info, warn or error; anything else is info
 * @returns {Logger}
 */
export function createLogger({ base = {}, redactFields = [], write = defaultWrite, level = 'info' } = {}) {
  const personalFields = new Set(redactFields.map((field) => field.toLowerCase()));
  // Log keys repeat on every request: decide once per key whether it is sensitive.
  /** @type {Map<string, boolean>} */
  const verdicts = new Map();
  /** @param {string} key */
  const isSensitive = (key) => {
    let verdict = verdicts.get(key);
    if (verdict === undefined) {
      verdict = isSensitiveKey(key, personalFields);
      if (verdicts.size < 1000) verdicts.set(key, verdict);
    }
    return verdict;
  };
  const threshold = LEVELS[level] ?? LEVELS.info;

  // `context` is redacted once, when the child is made, not again in every line it writes.
  /**
   * @param {Record<string, unknown>} context
   * @returns {Logger}
   */
  function loggerWith(context) {
    /**
     * @param {string} entryLevel
     * @param {string} message
     * @param {Record<string, unknown>} [fields]
     */
    function emit(entryLevel, message, fields = {}) {
      if (LEVELS[entryLevel] < threshold) return;
      const entry = { timestamp: timestampNow(), level: entryLevel, message, ...context, .../** @type {Record<string, unknown>} */ (redactWith(fields, isSensitive, 0)) };
      write(JSON.stringify(entry));
    }
    return {
      debug: (message, fields) => emit('debug', message, fields),
      info: (message, fields) => emit('info', message, fields),
      warn: (message, fields) => emit('warn', message, fields),
      error: (message, fields) => emit('error', message, fields),
      child: (fields) => loggerWith({ ...context, .../** @type {Record<string, unknown>} */ (redactWith(fields, isSensitive, 0)) }),
    };
  }
  return loggerWith(/** @type {Record<string, unknown>} */ (redactWith(base, isSensitive, 0)));
}

/**
 * How an error appears in a log line. Its name is written as `type`, because `name` is a
 * personal-data field that would be redacted. Stacks are for unexpected errors only:
 * they never reach responses, but they help here.
 * @param {unknown} error
 * @param { { withStack?: boolean } } [options]
 * @returns { { type: string, message: string, stack?: string } }
 */
export function describeError(error, { withStack = false } = {}) {
  if (!(error instanceof Error)) return { type: 'NonError', message: String(error) };
  return { type: error.name, message: error.message, ...(withStack ? { stack: error.stack } : {}) };
}

/**
 * A copy of `value` with sensitive keys' values replaced by "[REDACTED]".
 * @param {unknown} value
 * @param {Set<string>} [personalFields]  lowercase keys
 * @returns {unknown}
 */
export function redact(value, personalFields = new Set()) {
  return redactWith(value, (key) => isSensitiveKey(key, personalFields), 0);
}

/**
 * @param {string} key
 * @param {Set<string>} [personalFields]  lowercase keys
 * @returns {boolean}
 */
export function isSensitiveKey(key, personalFields = new Set()) {
  if (ALWAYS_REDACTED.test(key) || personalFields.has(key.toLowerCase())) return true;
  return wordsOf(key).some((word) => CARD_WORDS.has(word));
}

/**
 * "cardNumber" → ["card", "number"]; "card_cvc" → ["card", "cvc"].
 * @param {string} key
 * @returns {string[]}
 */
function wordsOf(key) {
  return key
    .replace(/([a-z\d])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z\d]+/);
}

const MAX_DEPTH = 8;

/**
 * @param {unknown} value
 * @param {(key: string) => boolean} isSensitive
 * @param {number} depth
 * @returns {unknown}
 */
function redactWith(value, isSensitive, depth) {
  if (value === null || typeof value !== 'object') return value;
  // Deeper than anything a log field needs: dropped rather than written unchecked.
  if (depth > MAX_DEPTH) return '[TRUNCATED]';
  if (typeof /** @type { { toJSON?: unknown } } */ (value).toJSON === 'function') return redactWith(/** @type { { toJSON(): unknown } } */ (value).toJSON(), isSensitive, depth + 1);
  if (Array.isArray(value)) return value.map((item) => redactWith(item, isSensitive, depth + 1));
  /** @type {Record<string, unknown>} */
  const copy = {};
  for (const key of Object.keys(value)) {
    copy[key] = isSensitive(key) ? '[REDACTED]' : redactWith(/** @type {Record<string, unknown>} */ (value)[key], isSensitive, depth + 1);
  }
  return copy;
}

// Lines written in the same millisecond share one ISO string: formatting a Date costs
// more than the rest of a short line, and a busy function writes several per millisecond.
let lastMillisecond = -1;
let lastTimestamp = '';
function timestampNow() {
  const now = Date.now();
  if (now !== lastMillisecond) {
    lastMillisecond = now;
    lastTimestamp = new Date(now).toISOString();
  }
  return lastTimestamp;
}

/** @param {string} line */
function defaultWrite(line) {
  console.log(line);
}
