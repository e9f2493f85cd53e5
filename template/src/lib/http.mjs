// Platform-neutral HTTP contract: every answer is JSON, every refusal has a stable
// error code, and nothing a caller sends can make the function throw.
// Requests arrive here already normalised by the platform adapter:
//   { method, path, headers: { lowercase-name: value }, body: Uint8Array | null }

const CORRELATION_ID = /^[A-Za-z0-9._:-]{1,128}$/;
// fatal: invalid UTF-8 is refused (400) instead of being turned into U+FFFD.
const UTF8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Deeper bodies are refused: the idempotency fingerprint, JSON.stringify and most
 * validators recurse once per level, and a few thousand levels (a 20 KB body) exhaust
 * the stack. Real payloads nest a handful of levels.
 */
export const MAX_JSON_DEPTH = 64;

export function jsonResponse(status, payload, headers = {}) {
  return {
    status,
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(payload),
  };
}

export function errorResponse(status, error, message, extra = {}, headers = {}) {
  return jsonResponse(status, { error, message, ...extra }, headers);
}

/** A caller-supplied id is echoed only when it is short and plain, so it cannot forge log lines. */
export function correlationIdFrom(headers, fallback) {
  const supplied = headers['x-correlation-id'];
  return typeof supplied === 'string' && CORRELATION_ID.test(supplied) ? supplied : fallback;
}

export function matchRoute(routes, method, path) {
  const samePath = routes.filter((route) => route.path === path);
  if (samePath.length === 0) {
    return { response: errorResponse(404, 'not_found', `No route for ${path}.`) };
  }
  const route = samePath.find((candidate) => candidate.method === method);
  if (!route) {
    const allow = samePath.map((candidate) => candidate.method).join(', ');
    return {
      response: errorResponse(405, 'method_not_allowed', `Use ${allow} on ${path}.`, {}, { allow }),
    };
  }
  return { route };
}

/** Content type, size and syntax are checked in this order so each failure has one code. */
export function readJsonBody(request, { maxBodyBytes }) {
  if (!isJsonContentType(request.headers['content-type'])) {
    return { response: errorResponse(415, 'unsupported_media_type', 'Send the body as application/json.') };
  }
  const bytes = request.body ?? new Uint8Array();
  if (bytes.byteLength > maxBodyBytes) {
    return {
      response: errorResponse(413, 'payload_too_large', `The body is larger than ${maxBodyBytes} bytes.`),
    };
  }
  let text;
  let value;
  try {
    text = UTF8.decode(bytes);
    value = JSON.parse(text);
  } catch {
    return { response: errorResponse(400, 'invalid_json', 'The body is not valid UTF-8 JSON.') };
  }
  // A body shorter than the limit cannot nest deeper than it, so most bodies skip the scan.
  if (text.length > MAX_JSON_DEPTH && nestingDepth(text) > MAX_JSON_DEPTH) {
    return { response: errorResponse(400, 'invalid_json', `The body nests more than ${MAX_JSON_DEPTH} levels deep.`) };
  }
  return { value };
}

/** How deep arrays and objects nest in valid JSON text; brackets inside strings do not count. */
function nestingDepth(text) {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let index = 0; index < text.length; index += 1) {
    const char = text[index];
    if (inString) {
      if (char === '\\') index += 1;
      else if (char === '"') inString = false;
    } else if (char === '"') {
      inString = true;
    } else if (char === '[' || char === '{') {
      depth += 1;
      deepest = Math.max(deepest, depth);
    } else if (char === ']' || char === '}') {
      depth -= 1;
    }
  }
  return deepest;
}

export function isJsonContentType(value) {
  if (typeof value !== 'string') return false;
  const mediaType = value.split(';')[0].trim().toLowerCase();
  return mediaType === 'application/json' || /^application\/[a-z0-9.+-]+\+json$/.test(mediaType);
}
