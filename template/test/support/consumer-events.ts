// Builds S3, SQS and EventBridge events (the shapes Lambda receives) for tests that
// need many variations of the fixtures in events/.

import type { EventBridgeEvent, S3EventRecord, SQSRecord } from 'aws-lambda';
import type { IdempotencyStore } from '../../src/lib/idempotency.ts';

/** What s3Record builds: an S3EventRecord without the identity, request and configuration fields. */
export type S3RecordFixture = Omit<S3EventRecord, 'userIdentity' | 'requestParameters' | 'responseElements' | 's3'> & { s3: Omit<S3EventRecord['s3'], 'configurationId' | 'bucket'> & { bucket: Omit<S3EventRecord['s3']['bucket'], 'ownerIdentity'> } };

export function s3Record({ bucket = 'imports-test', key = 'incoming/invoices.csv', size = 2048, eTag = 'etag-1', versionId, eventName = 'ObjectCreated:Put' }: {
  bucket?: string;
  key?: string;
  size?: number;
  eTag?: string;
  versionId?: string;
  eventName?: string;
} = {}): S3RecordFixture {
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

/** What sqsRecord builds: an SQSRecord without md5OfBody, with two of its attributes. */
export type SqsRecordFixture = Omit<SQSRecord, 'md5OfBody' | 'attributes'> & { attributes: Pick<SQSRecord['attributes'], 'ApproximateReceiveCount' | 'SentTimestamp'> };

/**
 * @param body sent as is when a string, else as JSON
 */
export function sqsRecord(body: unknown, { messageId = crypto.randomUUID(), receiveCount = 1 }: {
  messageId?: string;
  receiveCount?: number;
} = {}): SqsRecordFixture {
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

export function eventBridgeEvent<T>(detail: T, { id = crypto.randomUUID(), detailType = 'InvoiceIssued' }: {
  id?: string;
  detailType?: string;
} = {}): EventBridgeEvent<string, T> {
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

/** A parsed log line (the same as test/support/http-events.ts's, which consumers do not render). */
export type LogEntry = Record<string, unknown> & { level: string; message: string; error?: { message?: string } };

/** Collects the JSON log lines a handler writes, for assertions. */
export function logCollector() {
  const lines: string[] = [];
  return {
    write: (line: string) => lines.push(line),
    entries: (): LogEntry[] => lines.map((line) => JSON.parse(line)),
    text: () => lines.join('\n'),
  };
}

/** An idempotency store whose every call fails, like DynamoDB during an outage. */
export const unreachableStore: IdempotencyStore = {
  claim: async () => {
    throw new Error('connect ECONNREFUSED');
  },
  complete: async () => {},
  release: async () => {},
};
