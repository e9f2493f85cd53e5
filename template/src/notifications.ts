// R2 event notifications as they arrive on the queue:
// { account, action, bucket, object: { key, size, eTag }, eventTime }.

const CREATED = new Set(['PutObject', 'CopyObject', 'CompleteMultipartUpload']);

/** A notification validateNotification let through (a created object's also has object.eTag). */
export type R2Notification = { action: string; bucket: string; object: { key: string; eTag?: string; size?: number } };
export type NotificationError = { field: string; message: string };
export type NotificationValidation = { value: R2Notification; errors?: undefined } | { errors: NotificationError[]; value?: undefined };

/**
 * @param body the message body, not yet checked
 */
export function validateNotification(body: any): NotificationValidation {
  const errors: NotificationError[] = [];
  if (body === null || typeof body !== 'object') return { errors: [{ field: '', message: 'must be a JSON object' }] };
  if (typeof body.action !== 'string') errors.push({ field: 'action', message: 'must be a string' });
  if (typeof body.bucket !== 'string') errors.push({ field: 'bucket', message: 'must be a string' });
  if (typeof body.object?.key !== 'string') errors.push({ field: 'object.key', message: 'must be a string' });
  if (CREATED.has(body.action) && typeof body.object?.eTag !== 'string') {
    errors.push({ field: 'object.eTag', message: 'must be a string' });
  }
  return errors.length ? { errors } : { value: body };
}

/** One object version (bucket, key, etag) is imported once, whichever message announces it. */
export function identifyNotification(message: Message<unknown>, notification: R2Notification): { skip: string; key?: undefined } | { key: string; payload: unknown; skip?: undefined } {
  if (!CREATED.has(notification.action)) return { skip: `action ${notification.action}` };
  const { bucket, object } = notification;
  return { key: `${bucket}/${object.key}/${object.eTag}`, payload: { bucket, key: object.key, eTag: object.eTag } };
}
