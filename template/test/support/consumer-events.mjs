// Builds S3, SQS and EventBridge events (the shapes Lambda receives) for tests that
// need many variations of the fixtures in events/.

/** @typedef {import('aws-lambda').S3EventRecord} S3EventRecord */
/**
 * What s3Record builds: an S3EventRecord without the identity, request and configuration fields.
 * @typedef {Omit<S3EventRecord, 'userIdentity' | 'requestParameters' | 'responseElements' | 's3'> & { s3: Omit<S3EventRecord['s3'], 'configurationId' | 'bucket'> & { bucket: Omit<S3EventRecord['s3']['bucket'], 'ownerIdentity'> } }} S3RecordFixture
 */

/**
 * @param { { bucket?: string, key?: string, size?: number, eTag?: string, versionId?: string, eventName?: string } } [options]
 * @returns {S3RecordFixture}
 */
export function s3Record({ bucket = 'imports-test', key = 'incoming/invoices.csv', size = 2048, eTag = 'etag-1', versionId, eventName = 'ObjectCreated:Put' } = {}) {
  return {
    eventVersion: '2.1',
    eventSource: 'aws:s3',
    awsRegion: 'us-east-1',
    eventTime: new Date().toISOString(),
    eventName,
    s3: {
      s3SchemaVersion: '1.0',
      bucket: { name: bucket, arn: `arn:aws:s3:::${bucket}` },
      object: { key, size, eTag, ...(versionId ? { versionId } : {}), sequencer: '0065A1B2C3D4E5F601' },
    },
  };
}

/** @typedef {import('aws-lambda').SQSRecord} SQSRecord */
/**
 * What sqsRecord builds: an SQSRecord without md5OfBody, with two of its attributes.
 * @typedef {Omit<SQSRecord, 'md5OfBody' | 'attributes'> & { attributes: Pick<SQSRecord['attributes'], 'ApproximateReceiveCount' | 'SentTimestamp'> }} SqsRecordFixture
 */

/**
 * @param {unknown} body  sent as is when a string, else as JSON
 * @param { { messageId?: string, receiveCount?: number } } [options]
 * @returns {SqsRecordFixture}
 */
export function sqsRecord(body, { messageId = crypto.randomUUID(), receiveCount = 1 } = {}) {
  return {
    messageId,
    receiptHandle: `handle-${messageId}`,
    body: typeof body === 'string' ? body : JSON.stringify(body),
    attributes: { ApproximateReceiveCount: String(receiveCount), SentTimestamp: String(Date.now()) },
    messageAttributes: {},
    eventSource: 'aws:sqs',
    eventSourceARN: 'arn:aws:sqs:us-east-1:123456789012:test-queue',
    awsRegion: 'us-east-1',
  };
}

/**
 * @template T
 * @param {T} detail
 * @param { { id?: string, detailType?: string } } [options]
 * @returns {import('aws-lambda').EventBridgeEvent<string, T>}
 */
export function eventBridgeEvent(detail, { id = crypto.randomUUID(), detailType = 'InvoiceIssued' } = {}) {
  return {
    version: '0',
    id,
    'detail-type': detailType,
    source: 'com.example.billing',
    account: '123456789012',
    time: new Date().toISOString(),
    region: 'us-east-1',
    resources: [],
    detail,
  };
}

/**
 * A parsed log line (the same as test/support/http-events.mjs's, which consumers do not render).
 * @typedef {Record<string, unknown> & { level: string, message: string, error?: { message?: string } }} LogEntry
 */

/** Collects the JSON log lines a handler writes, for assertions. */
export function logCollector() {
  /** @type {string[]} */
  const lines = [];
  return {
    write: (/** @type {string} */ line) => lines.push(line),
    /** @returns {LogEntry[]} */
    entries: () => lines.map((line) => JSON.parse(line)),
    text: () => lines.join('\n'),
  };
}

/**
 * An idempotency store whose every call fails, like DynamoDB during an outage.
 * @type {import('../../src/lib/idempotency.mjs').IdempotencyStore}
 */
export const unreachableStore = {
  claim: async () => {
    throw new Error('connect ECONNREFUSED');
  },
  complete: async () => {},
  release: async () => {},
};
