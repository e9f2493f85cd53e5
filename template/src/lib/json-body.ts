// Reads a JSON request body. Content type, size and syntax are checked in this order so
// each failure has one code: 415, 413, then 400 invalid_json.
import { errorResponse, type HttpRequest } from './http.ts';
import type { BodyRead } from './api.ts';

// fatal: invalid UTF-8 is refused (400) instead of being turned into U+FFFD. (The cast: workerd's
// types make ignoreBOM required, though it defaults to false like everywhere else.)
const UTF8 = new TextDecoder('utf-8', ({ fatal: true } as ConstructorParameters<typeof TextDecoder>[1]));

/**
 * Deeper bodies are refused: JSON.stringify and most validators recurse once per level,
 * and a few thousand levels (a 20 KB body) exhaust the stack. Real payloads nest a
 * handful of levels.
 */
export const MAX_JSON_DEPTH = 64;

export function readJsonBody(request: HttpRequest, { maxBodyBytes }: { maxBodyBytes: number }): BodyRead {
  if (!isJsonContentType(request.headers['content-type'])) {
    return { response: errorResponse(415, 'unsupported_media_type', 'Send the body as application/json.') };
  }
  const bytes = request.body ?? new Uint8Array();
  if (bytes.byteLength > maxBodyBytes) {
    return { response: errorResponse(413, 'payload_too_large', `The body is larger than ${maxBodyBytes} bytes.`) };
  }
  let text: string;
  let value: unknown;
  try {
    text = UTF8.decode(bytes);
    value = JSON.parse(text);
  } catch {
    return { response: errorResponse(400, 'invalid_json', 'The body is not valid UTF-8 JSON.') };
  }
  const problem = structureProblem(text);
  if (problem) return { response: errorResponse(400, 'invalid_json', problem) };
  return { value };
}

/**
 * @param value a content-type header, if any
 */
export function isJsonContentType(value: unknown): boolean {
  if (value === 'application/json') return true; // what nearly every client sends
  if (typeof value !== 'string') return false;
  const mediaType = value.split(';')[0].trim().toLowerCase();
  return mediaType === 'application/json' || /^application\/[a-z0-9.+-]+\+json$/.test(mediaType);
}

/**
 * What JSON.parse lets through but this API refuses, in valid JSON text: nesting deeper
 * than MAX_JSON_DEPTH, and a member name twice in one object. JSON.parse keeps the last
 * of two equal names, another parser the first, so `{"amount":1,"amount":1000}` could mean
 * different amounts to the fingerprint and to the code downstream (RFC 8259 §4).
 */
function structureProblem(text: string): string | null {
  // Without a bracket there is nothing to nest and no object to repeat a name in.
  if (!/[[{]/.test(text)) return null;
  const open: Array<Set<string> | null> = []; // per open bracket: the member names seen (objects) or null (arrays)
  let expectingName = false;
  for (let index = 0; index < text.length; index += 1) {
    const char = text[index];
    if (char === '"') {
      const end = endOfString(text, index);
      const names = open.at(-1);
      if (expectingName && names) {
        // Only a name with an escape needs decoding ("\u0061" and "a" are the same name).
        const raw = text.slice(index + 1, end);
        const name: string = raw.includes('\\') ? JSON.parse(`"${raw}"`) : raw;
        if (names.has(name)) return 'The body names a member twice in one object; send each member once.';
        names.add(name);
      }
      expectingName = false;
      index = end;
    } else if (char === '{' || char === '[') {
      open.push(char === '{' ? new Set() : null);
      if (open.length > MAX_JSON_DEPTH) return `The body nests more than ${MAX_JSON_DEPTH} levels deep.`;
      expectingName = char === '{';
    } else if (char === '}' || char === ']') {
      open.pop();
    } else if (char === ',') {
      expectingName = open.at(-1) instanceof Set;
    }
  }
  return null;
}

/**
 * Index of the quote that closes the string opening at `start`. indexOf, not a loop over
 * every character: a 64 KiB string member is one native search instead of 64 Ki steps.
 */
function endOfString(text: string, start: number): number {
  let quote = text.indexOf('"', start + 1);
  while (isEscaped(text, quote)) quote = text.indexOf('"', quote + 1);
  return quote;
}

/** A quote after an odd number of backslashes is part of the string. */
function isEscaped(text: string, index: number): boolean {
  let backslashes = 0;
  while (text[index - 1 - backslashes] === '\\') backslashes += 1;
  return backslashes % 2 === 1;
}
