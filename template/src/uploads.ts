// POST /imports: a CSV upload is checked and stored in R2 under incoming/, once per
// Idempotency-Key. Importing the stored file is a separate step (an R2 event
// notification or a scheduled sweep), so a slow import never holds the upload open.
import { errorResponse, jsonResponse, type HttpRequest } from './lib/http.ts';
import { parseCsv } from './imports.ts';
import type { ApiConfig, BodyRead, Route, RouteContext, Validation } from './lib/api.ts';

export const INCOMING = 'incoming/';

/** where uploads are stored (tests count its writes) */
export type UploadBucket = Pick<R2Bucket, 'put'>;
/** a checked upload: the file and its record count */
export type CsvUpload = { text: string; records: number };

export function createUploadRoutes({ bucket }: { bucket: UploadBucket }): Route[] {
  return [
    {
      method: 'POST',
      path: '/imports',
      body: readCsvBody,
      idempotent: true,
      validate: validateCsv,
      handle: async ({ input, log }: RouteContext & { input: CsvUpload }) => {
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
 * Same order and codes as readJsonBody: 415, then 413, then 400. A BodyReader (lib/api.ts).
 * @returns the value is { text }
 */
export function readCsvBody(request: HttpRequest, { maxBodyBytes }: Pick<ApiConfig, 'maxBodyBytes'>): BodyRead {
  const mediaType = String(request.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
  if (mediaType !== 'text/csv') {
    return { response: errorResponse(415, 'unsupported_media_type', 'Send the file as text/csv.') };
  }
  const bytes = request.body ?? new Uint8Array();
  if (bytes.byteLength > maxBodyBytes) {
    return { response: errorResponse(413, 'payload_too_large', `The body is larger than ${maxBodyBytes} bytes.`) };
  }
  try {
    return { value: { text: new TextDecoder('utf-8', ({ fatal: true } as TextDecoderConstructorOptions)).decode(bytes) } };
  } catch {
    return { response: errorResponse(400, 'invalid_encoding', 'The file is not valid UTF-8.') };
  }
}

/**
 * @param body readCsvBody's value
 * @returns the value is a CsvUpload
 */
function validateCsv({ text }: { text: string }): Validation {
  const parsed = parseCsv(text);
  if (parsed.errors) return { errors: parsed.errors.map(({ line, message }) => ({ field: `line ${line}`, message })) };
  return { value: { text, records: parsed.records.length } };
}
