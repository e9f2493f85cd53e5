// The real AWS SDK call that hands jobs to SQS, against an emulator (e.g. `moto_server`).
// Runs when AWS_ENDPOINT_URL_SQS points at one; skipped otherwise.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CreateQueueCommand, ReceiveMessageCommand, SQSClient, type MessageAttributeValue } from '@aws-sdk/client-sqs';
import { createHandler } from '../../src/handler.ts';
import { loadConfig } from '../../src/config.ts';
import { createMemoryStore } from '../../src/lib/stores/memory.ts';
import { s3Record } from '../support/consumer-events.ts';
import type { ImportJob } from '../../src/files.ts';

const skip = process.env.AWS_ENDPOINT_URL_SQS ? false : 'set AWS_ENDPOINT_URL_SQS to an emulator to run';

describe('jobs queue through the AWS SDK', { skip }, () => {
  it('sends one job message per new file, and none for a duplicate notification', async () => {
    const sqs = new SQSClient({});
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: `jobs-${Date.now()}` }));
    const handler = createHandler({ config: { ...loadConfig({}), idempotencyStore: 'memory', jobsQueueUrl: QueueUrl as string }, store: createMemoryStore(), write: () => {} });
    const event = { Records: [s3Record({ key: 'incoming/invoices.csv' })] };
    const { queued } = await handler(event, {});
    await handler(event, {});
    const { Messages = [] } = await sqs.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10, MessageAttributeNames: ['All'], WaitTimeSeconds: 1 }));
    assert.equal(Messages.length, 1);
    const job: ImportJob = JSON.parse((Messages[0].Body as string));
    assert.equal(job.jobId, queued[0]);
    assert.equal(job.key, 'incoming/invoices.csv');
    assert.equal((Messages[0].MessageAttributes as Record<string, MessageAttributeValue>).jobId.StringValue, job.jobId);
  });

  it('throws for a retry when the queue does not exist, after handing on nothing', async () => {
    const handler = createHandler({
      config: { ...loadConfig({}), idempotencyStore: 'memory', jobsQueueUrl: `${process.env.AWS_ENDPOINT_URL_SQS}/123456789012/no-such-queue` },
      store: createMemoryStore(),
      write: () => {},
    });
    await assert.rejects(handler({ Records: [s3Record()] }, {}), { name: 'FilesNotQueuedError' });
  });
});
