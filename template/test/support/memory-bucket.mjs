// An R2 bucket in memory, for the sweep's fuzz test only. A local R2 write takes ~5 ms,
// so 10 000 sweeps against the real binding would take minutes; every other test uses
// the real one. It keeps R2's behaviour for the calls the sweep makes: list by prefix
// in key order with a limit, get → null for a missing key, text() decoding bytes as
// UTF-8 with replacement characters, the eTag as the MD5 of the content, and keys of
// at most 1024 bytes.
const MAX_KEY_BYTES = 1024;
const encoder = new TextEncoder();

/**
 * An object as the bucket keeps it.
 * @typedef {object} StoredObject
 * @property {string} key
 * @property {string} etag
 * @property {Uint8Array<ArrayBuffer>} bytes
 * @property {R2HTTPMetadata | Headers} httpMetadata
 * @property {Record<string, string>} customMetadata
 */

/**
 * What get() answers: the stored object, its body as a stream and text() to read it.
 * @typedef {StoredObject & { readonly body: ReadableStream | null, text: () => Promise<string> }} MemoryObject
 */

/**
 * The calls of R2Bucket the sweep makes, and `objects`, the contents by key.
 * @typedef {object} MemoryBucket
 * @property {Map<string, StoredObject>} objects
 * @property {(key: string, value: ReadableStream | ArrayBuffer | ArrayBufferView | string | null | Blob, options?: { httpMetadata?: R2HTTPMetadata | Headers, customMetadata?: Record<string, string> }) => Promise<{ key: string, etag: string, size: number }>} put
 * @property {(key: string) => Promise<MemoryObject | null>} get
 * @property {(key: string) => Promise<void>} delete
 * @property {(options?: { prefix?: string, limit?: number }) => Promise<{ objects: { key: string, etag: string, size: number }[], truncated: boolean }>} list
 */

/**
 * @param {object} [options]
 * @param {(key: string) => Promise<unknown>} [options.beforeGet] runs before each get (a test deletes the object there)
 * @returns {MemoryBucket}
 */
export function createMemoryBucket({ beforeGet = async () => {} } = {}) {
  /** @type {Map<string, StoredObject>} */
  const objects = new Map();

  /** @param {string} key */
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
      const page = keys.slice(0, limit).map((key) => ({ key, etag: /** @type {StoredObject} */ (objects.get(key)).etag, size: /** @type {StoredObject} */ (objects.get(key)).bytes.byteLength }));
      return { objects: page, truncated: keys.length > limit };
    },
  };
}
