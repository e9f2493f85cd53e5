// Builds S3, SQS and EventBridge events (the shapes Lambda receives) for tests that
// need many variations of the fixtures in events/.

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

/** Collects the JSON log lines a handler writes, for assertions. */
export function logCollector() {
  const lines = [];
  return {
    write: (line) => lines.push(line),
    entries: () => lines.map((line) => JSON.parse(line)),
    text: () => lines.join('\n'),
  };
}

/** An idempotency store whose every call fails, like DynamoDB during an outage. */
export const unreachableStore = {
  claim: async () => {
    throw new Error('connect ECONNREFUSED');
  },
  complete: async () => {},
  release: async () => {},
};
