// The Idempotency-Key header (draft-ietf-httpapi-idempotency-key-header) is an RFC 9651
// Structured Field Item whose value is a String: `"8e03978e-40d5-43e8-bc93-6894a57f9324"`.
// Parsed here by the RFC's algorithm, because the handler has no runtime dependencies:
//   - the quoted form, with \" and \\ as its only escapes, printable ASCII inside;
//   - a bare token (`8e03978e-…`, as most clients still send) is the same key as its quoted form;
//   - parameters (`"k";v=1`) are parsed and ignored, as RFC 9651 asks for unknown ones;
//   - anything the RFC's parser refuses (a second value after a comma, a stray quote) is refused.
// test/ compares this parser with the `structured-headers` package on generated headers.

export const MAX_KEY_LENGTH = 255;

export const KEY_RULE =
  'The Idempotency-Key header must be a Structured Field string: 1-255 printable ASCII characters in double quotes, ' +
  'with \\" and \\\\ escaped inside, e.g. "8e03978e-40d5-43e8-bc93-6894a57f9324"; a bare token of letters, digits and !#$%&\'*+-.^_`|~:/ is accepted too.';

// A bare key: the characters of an RFC 9651 token (tchar, ":" and "/"), without the token's
// rule that it start with a letter, so UUIDs and other digit-first keys keep working.
// (Not with ":", which starts a Byte Sequence.)
const BARE_KEY = /^[!#$%&'*+\-.^_`|~0-9A-Za-z][!#$%&'*+\-.^_`|~0-9A-Za-z:/]*/;
const TOKEN = /^[A-Za-z*][!#$%&'*+\-.^_`|~0-9A-Za-z:/]*/;
const PARAMETER_KEY = /^[a-z*][a-z0-9_\-.*]*/;
const NUMBER = /^-?(\d{1,15})(\.\d{1,3})?/;
const BYTES = /^:[A-Za-z0-9+/=]*:/;

/**
 * The header's text, and how far it has been read.
 * @typedef { { text: string, at: number } } KeyCursor
 */

/**
 * The header's key, or that it is missing or invalid.
 * @typedef { { key: string, missing?: undefined, invalid?: undefined } | { missing: true, key?: undefined, invalid?: undefined } | { invalid: true, key?: undefined, missing?: undefined } } ParsedKey
 */

/**
 * → { key } | { missing: true } | { invalid: true }
 * @param {string | undefined} field  the header's value
 * @returns {ParsedKey}
 */
export function parseIdempotencyKey(field) {
  if (typeof field !== 'string' || field.trim() === '') return { missing: true };
  const input = { text: field.replace(/^ +/, ''), at: 0 };
  const key = input.text.startsWith('"') ? readString(input) : readBareKey(input);
  if (key === null || !readParameters(input)) return { invalid: true };
  while (input.text[input.at] === ' ') input.at += 1;
  if (input.at !== input.text.length) return { invalid: true };
  if (key === '') return { missing: true };
  return key.length <= MAX_KEY_LENGTH ? { key } : { invalid: true };
}

/**
 * @param {KeyCursor} input
 * @returns {string | null}
 */
function readBareKey(input) {
  const match = BARE_KEY.exec(input.text.slice(input.at));
  if (!match) return null;
  input.at += match[0].length;
  return match[0];
}

/**
 * RFC 9651 §4.2.5: the String's characters, or null.
 * @param {KeyCursor} input
 * @returns {string | null}
 */
function readString(input) {
  let value = '';
  input.at += 1; // the opening quote
  while (input.at < input.text.length) {
    const char = input.text[input.at++];
    if (char === '\\') {
      const escaped = input.text[input.at++];
      if (escaped !== '"' && escaped !== '\\') return null;
      value += escaped;
    } else if (char === '"') {
      return value;
    } else if (char < ' ' || char > '~') {
      return null;
    } else {
      value += char;
    }
  }
  return null; // no closing quote
}

/**
 * RFC 9651 §4.2.3.2: `;key[=bare-item]` repeated. Only their syntax matters here.
 * @param {KeyCursor} input
 * @returns {boolean}
 */
function readParameters(input) {
  while (input.text[input.at] === ';') {
    input.at += 1;
    while (input.text[input.at] === ' ') input.at += 1;
    const name = PARAMETER_KEY.exec(input.text.slice(input.at));
    if (!name) return false;
    input.at += name[0].length;
    if (input.text[input.at] === '=') {
      input.at += 1;
      if (!skipBareItem(input)) return false;
    }
  }
  return true;
}

/**
 * RFC 9651 §4.2.3.1: any bare item (number, string, token, bytes, boolean, date, display string).
 * @param {KeyCursor} input
 * @returns {boolean}
 */
function skipBareItem(input) {
  const rest = input.text.slice(input.at);
  /** @param {RegExpExecArray | null} match */
  const skip = (match) => (match ? ((input.at += match[0].length), true) : false);
  if (rest.startsWith('"')) return readString(input) !== null;
  if (rest.startsWith('%"')) return skipDisplayString(input);
  if (rest.startsWith('@')) return skip(/^@-?\d{1,15}(?![.\d])/.exec(rest));
  if (rest.startsWith('?')) return skip(/^\?[01]/.exec(rest));
  if (rest.startsWith(':')) return skip(BYTES.exec(rest));
  if (/^[-\d]/.test(rest)) return skipNumber(input, rest);
  return skip(TOKEN.exec(rest));
}

/**
 * Integers have at most 15 digits; decimals at most 12 before the point and 1-3 after.
 * @param {KeyCursor} input
 * @param {string} rest  the text from `input.at` on
 * @returns {boolean}
 */
function skipNumber(input, rest) {
  const match = NUMBER.exec(rest);
  if (!match) return false;
  const [, whole, fraction] = match;
  const next = rest[match[0].length];
  if (next !== undefined && (next === '.' || /\d/.test(next))) return false;
  if (fraction && whole.length > 12) return false;
  input.at += match[0].length;
  return true;
}

/**
 * `%"…"`: printable ASCII with lowercase %xx escapes that decode to UTF-8.
 * @param {KeyCursor} input
 * @returns {boolean}
 */
function skipDisplayString(input) {
  /** @type {number[]} */
  const bytes = [];
  input.at += 2;
  while (input.at < input.text.length) {
    const char = input.text[input.at++];
    if (char === '"') {
      try {
        new TextDecoder('utf-8', /** @type {ConstructorParameters<typeof TextDecoder>[1]} */ ({ fatal: true })).decode(new Uint8Array(bytes));
        return true;
      } catch {
        return false;
      }
    }
    if (char < ' ' || char > '~') return false;
    if (char === '%') {
      const hex = input.text.slice(input.at, input.at + 2);
      if (!/^[0-9a-f]{2}$/.test(hex)) return false;
      bytes.push(parseInt(hex, 16));
      input.at += 2;
    } else {
      bytes.push(char.charCodeAt(0));
    }
  }
  return false;
}
