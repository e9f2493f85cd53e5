// One JSON object per line, so log tools can filter on fields instead of parsing text.
// Values under sensitive keys are replaced before anything is written: a log line
// is read by more people, and kept longer, than the request it describes.

const ALWAYS_REDACTED = /authorization|cookie|signature|secret|token|password|api[-_]?key|credential/i;

export function createLogger({ base = {}, redactFields = [], write = defaultWrite, level = 'info' } = {}) {
  const personalFields = new Set(redactFields.map((field) => field.toLowerCase()));
  const threshold = LEVELS[level] ?? LEVELS.info;

  function emit(entryLevel, message, fields = {}) {
    if (LEVELS[entryLevel] < threshold) return;
    const entry = { timestamp: new Date().toISOString(), level: entryLevel, message, ...base, ...fields };
    write(JSON.stringify(redact(entry, personalFields)));
  }

  return {
    debug: (message, fields) => emit('debug', message, fields),
    info: (message, fields) => emit('info', message, fields),
    warn: (message, fields) => emit('warn', message, fields),
    error: (message, fields) => emit('error', message, fields),
    child: (fields) => createLogger({ base: { ...base, ...fields }, redactFields, write, level }),
  };
}

/** Errors are logged by name and message; the stack stays out of responses but helps here. */
export function describeError(error) {
  if (!(error instanceof Error)) return { name: 'NonError', message: String(error) };
  return { name: error.name, message: error.message, stack: error.stack };
}

export function redact(value, personalFields = new Set(), depth = 0) {
  if (depth > 8 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((item) => redact(item, personalFields, depth + 1));
  const copy = {};
  for (const [key, inner] of Object.entries(value)) {
    const sensitive = ALWAYS_REDACTED.test(key) || personalFields.has(key.toLowerCase());
    copy[key] = sensitive ? '[REDACTED]' : redact(inner, personalFields, depth + 1);
  }
  return copy;
}

const LEVELS = { debug: 10, info: 20, warn: 30, error: 40 };

function defaultWrite(line) {
  console.log(line);
}
