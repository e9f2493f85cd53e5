// The example import: a CSV file with a header row becomes a list of records handed to
// importRows. Replace importRows with your own (write to a database, call an API, …);
// it runs at most once per object version.

/** @typedef {import('./lib/logger.mjs').Logger} Logger */
/** @typedef {Record<string, string>} CsvRecord  one row, named by the header */

/**
 * Parses RFC 4180 CSV (quoted fields, "" escapes, CRLF or LF); returns { records } or { errors }.
 * @param {string} text
 * @returns {CsvParse}
 */
export function parseCsv(text) {
  /** @type {string[][]} */
  const rows = [];
  /** @type {string[]} */
  let row = [];
  let field = '';
  let quoted = false;
  let fieldWasQuoted = false;
  const endRow = () => {
    // A blank line is no record, but a line holding only "" is one empty field.
    if (row.length > 0 || field !== '' || fieldWasQuoted) rows.push([...row, field]);
    row = [];
    field = '';
    fieldWasQuoted = false;
  };
  for (let index = 0; index < text.length; index += 1) {
    const char = text[index];
    if (quoted) {
      if (char === '"' && text[index + 1] === '"') {
        field += '"';
        index += 1;
      } else if (char === '"') quoted = false;
      else field += char;
    } else if (char === '"' && field === '') {
      quoted = true;
      fieldWasQuoted = true;
    } else if (char === ',') {
      row.push(field);
      field = '';
      fieldWasQuoted = false;
    } else if (char === '\n' || char === '\r') {
      if (char === '\r' && text[index + 1] === '\n') index += 1;
      endRow();
    } else field += char;
  }
  if (quoted) return { errors: [{ line: rows.length + 1, message: 'a quoted field is not closed' }] };
  endRow();
  return toRecords(rows);
}

/** @typedef { { line: number, message: string } } CsvError */
/** @typedef { { records: CsvRecord[], errors?: undefined } | { errors: CsvError[], records?: undefined } } CsvParse */

/**
 * @param {string[][]} rows
 * @returns {CsvParse}
 */
function toRecords(rows) {
  if (rows.length < 2) return { errors: [{ line: 1, message: 'needs a header row and at least one record' }] };
  const [header, ...body] = rows;
  const errors = body
    .map((cells, index) => ({ cells, line: index + 2 }))
    .filter(({ cells }) => cells.length !== header.length)
    .map(({ cells, line }) => ({ line, message: `has ${cells.length} fields, the header has ${header.length}` }));
  if (errors.length) return { errors: errors.slice(0, 20) };
  return { records: body.map((cells) => Object.fromEntries(header.map((name, column) => [name, cells[column]]))) };
}

/**
 * @typedef {object} ImportedRows  what importRows gets: one file's records
 * @property {string} objectKey
 * @property {CsvRecord[]} records
 */
/** @typedef {(file: ImportedRows, options: { log: Logger }) => Promise<unknown>} ImportRows  the import's side effect */
/** @typedef { { imported: number, retryable?: boolean, rejected?: boolean } } ImportOutcome  what importObject returns (runOnce's result) */

/**
 * Reads one object from R2 and imports it. A missing object (deleted since) is skipped.
 * @param {Pick<R2Bucket, 'get'>} bucket
 * @param {string} objectKey
 * @param { { log: Logger, importRows: ImportRows } } options
 * @returns {Promise<ImportOutcome>}
 */
export async function importObject(bucket, objectKey, { log, importRows }) {
  const object = await bucket.get(objectKey);
  if (!object) {
    log.warn('object no longer exists; nothing to import', { objectKey });
    // `retryable` makes runOnce forget the claim: this version was never imported, so if
    // the same file is uploaded again it must be imported then, not skipped as done.
    return { imported: 0, retryable: true };
  }
  const parsed = parseCsv(await object.text());
  if (parsed.errors) {
    // Retrying cannot fix the file; it is logged for a person and not imported.
    log.error('file is not valid CSV; not imported', { objectKey, details: parsed.errors });
    return { imported: 0, rejected: true };
  }
  await importRows({ objectKey, records: parsed.records }, { log });
  return { imported: parsed.records.length };
}

/**
 * @param {ImportedRows} file
 * @param { { log: Logger } } options
 * @returns {Promise<void>}
 */
export async function logImport({ objectKey, records }, { log }) {
  log.info('file imported', { objectKey, records: records.length });
}
