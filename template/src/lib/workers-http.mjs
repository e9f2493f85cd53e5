// Adapter between the Workers fetch API and the platform-neutral request/response of
// http.mjs. The body is read with a byte cap, so an oversized upload costs at most
// maxBodyBytes + 1 bytes of memory before it is refused with 413.

/**
 * @param {Request} request
 * @param { { maxBodyBytes: number } } config
 * @returns {Promise<import('./http.mjs').HttpRequest>}
 */
export async function fromFetchRequest(request, { maxBodyBytes }) {
  /** @type {Record<string, string>} */
  const headers = {};
  for (const [name, value] of request.headers) headers[name.toLowerCase()] = value;
  return {
    method: request.method.toUpperCase(),
    path: new URL(request.url).pathname,
    headers,
    body: request.body ? await readCapped(request.body, maxBodyBytes + 1) : null,
  };
}

/**
 * @param {import('./http.mjs').HttpResponse | { status: number, headers: Record<string, string>, body: null }} response
 * @returns {Response}
 */
export function toFetchResponse(response) {
  return new Response(response.body, { status: response.status, headers: response.headers });
}

// Cloudflare's cf-ray names the request in Cloudflare's own logs too, but only Cloudflare's
// edge sets it in this shape: a caller through a service binding, or `wrangler dev`, can
// send any cf-ray, and it must not become the id that is logged and echoed back.
const CF_RAY = /^[0-9a-f]{16}(-[A-Z]{3})?$/;

/**
 * @param {Request} request
 * @returns {string}
 */
export function requestIdOf(request) {
  const ray = request.headers.get('cf-ray');
  return ray !== null && CF_RAY.test(ray) ? ray : crypto.randomUUID();
}

/**
 * @param {ReadableStream<Uint8Array>} stream
 * @param {number} limit
 * @returns {Promise<Uint8Array<ArrayBuffer>>}
 */
async function readCapped(stream, limit) {
  const reader = stream.getReader();
  /** @type {Uint8Array[]} */
  const chunks = [];
  let size = 0;
  while (size < limit) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    size += value.byteLength;
  }
  if (size >= limit) await reader.cancel();
  const bytes = new Uint8Array(Math.min(size, limit));
  let offset = 0;
  for (const chunk of chunks) {
    const part = chunk.subarray(0, bytes.byteLength - offset);
    bytes.set(part, offset);
    offset += part.byteLength;
  }
  return bytes;
}
