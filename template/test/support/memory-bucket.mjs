// An R2 bucket in memory, for the sweep's fuzz test only. A local R2 write takes ~5 ms,
// so 10 000 sweeps against the real binding would take minutes; every other test uses
// the real one. It keeps R2's behaviour for the calls the sweep makes: list by prefix
// in key order with a limit, get → null for a missing key, text() decoding bytes as
// UTF-8 with replacement characters, the eTag as the MD5 of the content, and keys of
// at most 1024 bytes.
const MAX_KEY_BYTES = 1024;
const encoder = new TextEncoder();

export function createMemoryBucket({ beforeGet = async () => {} } = {}) {
  const objects = new Map();

  function checkKey(key) {
    if (encoder.encode(key).byteLength > MAX_KEY_BYTES) throw new Error(`put: The specified object name is not valid. (10020)`);
  }

  return {
    objects,
    async put(key, value, { httpMetadata = {}, customMetadata = {} } = {}) {
      checkKey(key);
      const bytes = new Uint8Array(await new Response(value).arrayBuffer());
      const md5 = new Uint8Array(await crypto.subtle.digest('MD5', bytes));
      const etag = [...md5].map((byte) => byte.toString(16).padStart(2, '0')).join('');
      objects.set(key, { key, etag, bytes, httpMetadata, customMetadata });
      return { key, etag, size: bytes.byteLength };
    },
    async get(key) {
      checkKey(key);
      await beforeGet(key);
      const stored = objects.get(key);
      if (!stored) return null;
      return {
        ...stored,
        get body() {
          return new Response(stored.bytes).body;
        },
        text: async () => new TextDecoder().decode(stored.bytes),
      };
    },
    async delete(key) {
      objects.delete(key);
    },
    async list({ prefix = '', limit = 1000 } = {}) {
      const keys = [...objects.keys()].filter((key) => key.startsWith(prefix)).sort();
      const page = keys.slice(0, limit).map((key) => ({ key, etag: objects.get(key).etag, size: objects.get(key).bytes.byteLength }));
      return { objects: page, truncated: keys.length > limit };
    },
  };
}
