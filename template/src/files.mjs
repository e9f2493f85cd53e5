// Reads one S3 notification record into a file description, or says why it is refused.
// Refusals are final (a retry would see the same file); they are logged, not retried.

/** @typedef {import('./lib/logger.mjs').Logger} Logger */

/**
 * What describeFile reads of an S3 notification record; an import('aws-lambda').S3EventRecord is one.
 * @typedef { { eventName: string, s3: { bucket: { name: string }, object: { key: string, size: number, eTag: string, versionId?: string } } } } S3Record
 */

/**
 * Why a record is refused (logged, and returned in the handler's summary).
 * @typedef {'not_an_object_created_event' | 'malformed_record' | 'undecodable_key' | 'folder_marker' | 'empty_file' | 'file_too_large' | 'unsupported_file_type'} RejectReason
 */

/**
 * Returns { file: { bucket, key, size, eTag, versionId } } or { rejected: reason }.
 * Every field is checked: a malformed record (whatever its type) is refused, not trusted.
 * @param {S3Record} record
 * @param { { maxFileBytes: number, allowedExtensions: string[] } } limits
 * @returns { { file: ImportedFile, rejected?: undefined } | { rejected: RejectReason, file?: undefined } }
 */
export function describeFile(record, { maxFileBytes, allowedExtensions }) {
  const s3 = record?.s3;
  if (typeof record?.eventName !== 'string' || !record.eventName.startsWith('ObjectCreated:')) {
    return { rejected: 'not_an_object_created_event' };
  }
  const bucket = s3?.bucket?.name;
  const rawKey = s3?.object?.key;
  if (typeof bucket !== 'string' || typeof rawKey !== 'string' || rawKey === '') return { rejected: 'malformed_record' };
  const key = decodeKey(rawKey);
  if (key === null) return { rejected: 'undecodable_key' };
  if (key.endsWith('/')) return { rejected: 'folder_marker' };
  const size = s3.object.size;
  if (!Number.isSafeInteger(size) || size < 0) return { rejected: 'malformed_record' };
  if (size === 0) return { rejected: 'empty_file' };
  if (size > maxFileBytes) return { rejected: 'file_too_large' };
  const lowerKey = key.toLowerCase();
  if (!allowedExtensions.some((extension) => lowerKey.endsWith(extension))) return { rejected: 'unsupported_file_type' };
  const eTag = typeof s3.object.eTag === 'string' ? s3.object.eTag : '';
  const versionId = typeof s3.object.versionId === 'string' && s3.object.versionId !== '' ? s3.object.versionId : undefined;
  if (!eTag && !versionId) return { rejected: 'malformed_record' };
  return { file: { bucket, key, size, eTag, ...(versionId ? { versionId } : {}) } };
}

/**
 * S3 URL-encodes keys in notifications and writes spaces as "+".
 * @param {string} rawKey
 * @returns {string | null}  null when the key is not valid percent-encoding
 */
export function decodeKey(rawKey) {
  try {
    return decodeURIComponent(rawKey.replace(/\+/g, ' '));
  } catch {
    return null;
  }
}

/**
 * @typedef {object} ImportedFile  an importable file version, from describeFile
 * @property {string} bucket
 * @property {string} key  decoded
 * @property {number} size  bytes
 * @property {string} eTag  '' when S3 sent none (then versionId is set)
 * @property {string} [versionId]  only for a versioned bucket
 */

/**
 * One id per file version: the same upload always gets the same job id, so the worker
 * that runs the job can deduplicate too.
 * @param {ImportedFile} file
 * @returns {Promise<string>}
 */
export async function jobIdOf(file) {
  const material = new TextEncoder().encode(`${file.bucket}\n${file.key}\n${file.versionId ?? file.eTag}`);
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', material));
  return `job-${[...digest.slice(0, 16)].map((byte) => byte.toString(16).padStart(2, '0')).join('')}`;
}

/** @typedef {ImportedFile & { jobId: string } } ImportJob  what is handed to the jobs queue */
/**
 * Hands one job on; its result is ignored, a throw means the file is retried.
 * @typedef {(job: ImportJob, options: { log: Logger }) => Promise<unknown>} EnqueueJob
 */

/**
 * The EnqueueJob used while JOBS_QUEUE_URL is not set.
 * @param {ImportJob} job
 * @param { { log: Logger } } options
 * @returns {Promise<void>}
 */
export async function logJob(job, { log }) {
  log.warn('JOBS_QUEUE_URL is not set: the job is only logged', { jobId: job.jobId });
}
