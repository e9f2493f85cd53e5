// Reads one S3 notification record into a file description, or says why it is refused.
// Refusals are final (a retry would see the same file); they are logged, not retried.

import type { Logger } from './lib/logger.ts';


/** What describeFile reads of an S3 notification record; an import('aws-lambda').S3EventRecord is one. */
export type S3Record = { eventName: string; s3: { bucket: { name: string }; object: { key: string; size: number; eTag: string; versionId?: string } } };

/** Why a record is refused (logged, and returned in the handler's summary). */
export type RejectReason = 'not_an_object_created_event' | 'malformed_record' | 'undecodable_key' | 'folder_marker' | 'empty_file' | 'file_too_large' | 'unsupported_file_type';

/**
 * Returns { file: { bucket, key, size, eTag, versionId } } or { rejected: reason }.
 * Every field is checked: a malformed record (whatever its type) is refused, not trusted.
 */
export function describeFile(record: S3Record, { maxFileBytes, allowedExtensions }: {
  maxFileBytes: number;
  allowedExtensions: string[];
}): { file: ImportedFile; rejected?: undefined } | { rejected: RejectReason; file?: undefined } {
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
 * @returns null when the key is not valid percent-encoding
 */
export function decodeKey(rawKey: string): string | null {
  try {
    return decodeURIComponent(rawKey.replace(/\+/g, ' '));
  } catch {
    return null;
  }
}

/** an importable file version, from describeFile */
export interface ImportedFile {
  bucket: string;
  /** decoded */
  key: string;
  /** bytes */
  size: number;
  /** '' when S3 sent none (then versionId is set) */
  eTag: string;
  /** only for a versioned bucket */
  versionId?: string;
}

/**
 * One id per file version: the same upload always gets the same job id, so the worker
 * that runs the job can deduplicate too.
 */
export async function jobIdOf(file: ImportedFile): Promise<string> {
  const material = new TextEncoder().encode(`${file.bucket}\n${file.key}\n${file.versionId ?? file.eTag}`);
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', material));
  return `job-${[...digest.slice(0, 16)].map((byte) => byte.toString(16).padStart(2, '0')).join('')}`;
}

/** what is handed to the jobs queue */
export type ImportJob = ImportedFile & { jobId: string };
/** Hands one job on; its result is ignored, a throw means the file is retried. */
export type EnqueueJob = (job: ImportJob, options: { log: Logger }) => Promise<unknown>;

/** The EnqueueJob used while JOBS_QUEUE_URL is not set. */
export async function logJob(job: ImportJob, { log }: { log: Logger }): Promise<void> {
  log.warn('JOBS_QUEUE_URL is not set: the job is only logged', { jobId: job.jobId });
}
