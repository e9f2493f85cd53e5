// R2 event notifications as they arrive on the queue:
// { account, action, bucket, object: { key, size, eTag }, eventTime }.

const CREATED = new Set(['PutObject', 'CopyObject', 'CompleteMultipartUpload']);

/**
 * A notification validateNotification let through (a created object's also has object.eTag).
 * @typedef { { action: string, bucket: string, object: { key: string, eTag?: string, size?: number } } } R2Notification
 */
/** @typedef { { field: string, message: string } } NotificationError */
/** @typedef { { value: R2Notification, errors?: undefined } | { errors: NotificationError[], value?: undefined } } NotificationValidation */

/**
 * @param {any} body  the message body, not yet checked
 * @returns {NotificationValidation}
 */
export function validateNotification(body) {
  /** @type {NotificationError[]} */
  const errors = [];
  if (body === null || typeof body !== 'object') return { errors: [{ field: '', message: 'must be a JSON object' }] };
  if (typeof body.action !== 'string') errors.push({ field: 'action', message: 'must be a string' });
  if (typeof body.bucket !== 'string') errors.push({ field: 'bucket', message: 'must be a string' });
  if (typeof body.object?.key !== 'string') errors.push({ field: 'object.key', message: 'must be a string' });
  if (CREATED.has(body.action) && typeof body.object?.eTag !== 'string') {
    errors.push({ field: 'object.eTag', message: 'must be a string' });
  }
  return errors.length ? { errors } : { value: body };
}

/**
 * One object version (bucket, key, etag) is imported once, whichever message announces it.
 * @param {Message<unknown>} message
 * @param {R2Notification} notification
 * @returns { { skip: string, key?: undefined } | { key: string, payload: unknown, skip?: undefined } }
 */
export function identifyNotification(message, notification) {
  if (!CREATED.has(notification.action)) return { skip: `action ${notification.action}` };
  const { bucket, object } = notification;
  return { key: `${bucket}/${object.key}/${object.eTag}`, payload: { bucket, key: object.key, eTag: object.eTag } };
}
