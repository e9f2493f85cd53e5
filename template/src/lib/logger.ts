// One JSON object per line, so log tools can filter on fields instead of parsing text.
// Values under sensitive keys are replaced before anything is written: a log line
// is read by more people, and kept longer, than the request it describes.

const ALWAYS_REDACTED = /authorization|cookie|signature|secret|token|password|api[-_]?key|credential/i;
// Payment card data must never reach logs (PCI DSS). Matched as a word of the key, so
// `cardNumber` and `card_cvc` are redacted while `discarded` and `panel` are not.
const CARD_WORDS = new Set(['card', 'cvc', 'cvv', 'pan', 'iban']);
const LEVELS: Record<string, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export type LogMethod = (message: string, fields?: Record<string, unknown>) => void;

/** what createLogger() and child() return */
export interface Logger {
  debug: LogMethod;
  info: LogMethod;
  warn: LogMethod;
  error: LogMethod;
  /** a logger adding `fields` to every line */
  child: (fields: Record<string, unknown>) => Logger;
}

export function createLogger({ base = {}, redactFields = [], write = defaultWrite, level = 'info' }: {
  /** fields of every line */
  base?: Record<string, unknown>;
  /** personal-data keys, redacted like secrets */
  redactFields?: string[];
  write?: (line: string) => void;
  /** debug, info, warn or error; anything else is info */
  level?: string;
} = {}): Logger {
  const personalFields = new Set(redactFields.map((field) => field.toLowerCase()));
  // Log keys repeat on every request: decide once per key whether it is sensitive.
  const verdicts: Map<string, boolean> = new Map();
  const isSensitive = (key: string) => {
    let verdict = verdicts.get(key);
    if (verdict === undefined) {
      verdict = isSensitiveKey(key, personalFields);
      if (verdicts.size < 1000) verdicts.set(key, verdict);
    }
    return verdict;
  };
  const threshold = LEVELS[level] ?? LEVELS.info;

  // `context` is redacted once, when the child is made, not again in every line it writes.
  function loggerWith(context: Record<string, unknown>): Logger {
    function emit(entryLevel: string, message: string, fields: Record<string, unknown> = {}) {
      if (LEVELS[entryLevel] < threshold) return;
      const entry = { timestamp: timestampNow(), level: entryLevel, message, ...context, ...(redactWith(fields, isSensitive, 0) as Record<string, unknown>) };
      write(JSON.stringify(entry));
    }
    return {
      debug: (message, fields) => emit('debug', message, fields),
      info: (message, fields) => emit('info', message, fields),
      warn: (message, fields) => emit('warn', message, fields),
      error: (message, fields) => emit('error', message, fields),
      child: (fields) => loggerWith({ ...context, ...(redactWith(fields, isSensitive, 0) as Record<string, unknown>) }),
    };
  }
  return loggerWith((redactWith(base, isSensitive, 0) as Record<string, unknown>));
}

/**
 * How an error appears in a log line. Its name is written as `type`, because `name` is a
 * personal-data field that would be redacted. Stacks are for unexpected errors only:
 * they never reach responses, but they help here.
 */
export function describeError(error: unknown, { withStack = false }: {
  withStack?: boolean;
} = {}): { type: string; message: string; stack?: string } {
  if (!(error instanceof Error)) return { type: 'NonError', message: String(error) };
  return { type: error.name, message: error.message, ...(withStack ? { stack: error.stack } : {}) };
}

/**
 * A copy of `value` with sensitive keys' values replaced by "[REDACTED]".
 * @param personalFields lowercase keys
 */
export function redact(value: unknown, personalFields: Set<string> = new Set()): unknown {
  return redactWith(value, (key) => isSensitiveKey(key, personalFields), 0);
}

/**
 * @param personalFields lowercase keys
 */
export function isSensitiveKey(key: string, personalFields: Set<string> = new Set()): boolean {
  if (ALWAYS_REDACTED.test(key) || personalFields.has(key.toLowerCase())) return true;
  return wordsOf(key).some((word) => CARD_WORDS.has(word));
}

/** "cardNumber" → ["card", "number"]; "card_cvc" → ["card", "cvc"]. */
function wordsOf(key: string): string[] {
  return key
    .replace(/([a-z\d])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z\d]+/);
}

const MAX_DEPTH = 8;

function redactWith(value: unknown, isSensitive: (key: string) => boolean, depth: number): unknown {
  if (value === null || typeof value !== 'object') return value;
  // Deeper than anything a log field needs: dropped rather than written unchecked.
  if (depth > MAX_DEPTH) return '[TRUNCATED]';
  if (typeof (value as { toJSON?: unknown }).toJSON === 'function') return redactWith((value as { toJSON(): unknown }).toJSON(), isSensitive, depth + 1);
  if (Array.isArray(value)) return value.map((item) => redactWith(item, isSensitive, depth + 1));
  const copy: Record<string, unknown> = {};
  for (const key of Object.keys(value)) {
    copy[key] = isSensitive(key) ? '[REDACTED]' : redactWith((value as Record<string, unknown>)[key], isSensitive, depth + 1);
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

function defaultWrite(line: string) {
  console.log(line);
}
