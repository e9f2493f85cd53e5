// Reads one S3 notification record into a file description, or says why it is refused.
// Refusals are final (a retry would see the same file); they are logged, not retried.

/** Returns { file: { bucket, key, size, eTag, versionId } } or { rejected: reason }. */
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

/** S3 URL-encodes keys in notifications and writes spaces as "+". */
export function decodeKey(rawKey) {
  try {
    return decodeURIComponent(rawKey.replace(/\+/g, ' '));
  } catch {
    return null;
  }
}

/**
 * One id per file version: the same upload always gets the same job id, so the worker
 * that runs the job can deduplicate too.
 */
export async function jobIdOf(file) {
  const material = new TextEncoder().encode(`${file.bucket}\n${file.key}\n${file.versionId ?? file.eTag}`);
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', material));
  return `job-${[...digest.slice(0, 16)].map((byte) => byte.toString(16).padStart(2, '0')).join('')}`;
}

export async function logJob(job, { log }) {
  log.warn('JOBS_QUEUE_URL is not set: the job is only logged', { jobId: job.jobId });
}
