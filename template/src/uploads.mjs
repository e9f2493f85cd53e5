// POST /imports: a CSV upload is checked and stored in R2 under incoming/, once per
// Idempotency-Key. Importing the stored file is a separate step (an R2 event
// notification or a scheduled sweep), so a slow import never holds the upload open.
import { errorResponse, jsonResponse } from './lib/http.mjs';
import { parseCsv } from './imports.mjs';

export const INCOMING = 'incoming/';

/** @typedef {Pick<R2Bucket, 'put'>} UploadBucket  where uploads are stored (tests count its writes) */
/** @typedef { { text: string, records: number } } CsvUpload  a checked upload: the file and its record count */

/**
 * @param { { bucket: UploadBucket } } options
 * @returns {import('./lib/api.mjs').Route[]}
 */
export function createUploadRoutes({ bucket }) {
  return [
    {
      method: 'POST',
      path: '/imports',
      body: readCsvBody,
      idempotent: true,
      validate: validateCsv,
      /** @param {import('./lib/api.mjs').RouteContext & { input: CsvUpload } } context */
      handle: async ({ input, log }) => {
        const importId = crypto.randomUUID();
        const objectKey = `${INCOMING}${importId}.csv`;
        await bucket.put(objectKey, input.text, { httpMetadata: { contentType: 'text/csv; charset=utf-8' } });
        log.info('file stored', { objectKey, records: input.records });
        return jsonResponse(202, { importId, objectKey, records: input.records, status: 'stored' });
      },
    },
  ];
}

/**
 * Same order and codes as readJsonBody: 415, then 413, then 400. A BodyReader (lib/api.mjs).
 * @param {import('./lib/http.mjs').HttpRequest} request
 * @param {Pick<import('./lib/api.mjs').ApiConfig, 'maxBodyBytes'>} config
 * @returns {import('./lib/api.mjs').BodyRead}  the value is { text }
 */
export function readCsvBody(request, { maxBodyBytes }) {
  const mediaType = String(request.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
  if (mediaType !== 'text/csv') {
    return { response: errorResponse(415, 'unsupported_media_type', 'Send the file as text/csv.') };
  }
  const bytes = request.body ?? new Uint8Array();
  if (bytes.byteLength > maxBodyBytes) {
    return { response: errorResponse(413, 'payload_too_large', `The body is larger than ${maxBodyBytes} bytes.`) };
  }
  try {
    return { value: { text: new TextDecoder('utf-8', /** @type {TextDecoderConstructorOptions} */ ({ fatal: true })).decode(bytes) } };
  } catch {
    return { response: errorResponse(400, 'invalid_encoding', 'The file is not valid UTF-8.') };
  }
}

/**
 * @param { { text: string } } body  readCsvBody's value
 * @returns {import('./lib/api.mjs').Validation}  the value is a CsvUpload
 */
function validateCsv({ text }) {
  const parsed = parseCsv(text);
  if (parsed.errors) return { errors: parsed.errors.map(({ line, message }) => ({ field: `line ${line}`, message })) };
  return { value: { text, records: parsed.records.length } };
}
