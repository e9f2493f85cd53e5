// Hands an import job to the SQS jobs queue, where the heavy work happens with its own
// retries and dead-letter queue. The AWS SDK ships with the Lambda runtime; locally,
// AWS_ENDPOINT_URL_SQS points it at an emulator.
import { loadAwsSdk } from './lib/aws-sdk.mjs';

/**
 * @param { { queueUrl: string } } options
 * @returns {import('./files.mjs').EnqueueJob}
 */
export function createSqsJobQueue({ queueUrl }) {
  /** @type {import('@aws-sdk/client-sqs').SQSClient | undefined} */
  let client;
  /** @param {import('./files.mjs').ImportJob} job */
  return async function enqueueJob(job) {
    const { SQSClient, SendMessageCommand } = /** @type {typeof import('@aws-sdk/client-sqs')} */ (loadAwsSdk('@aws-sdk/client-sqs'));
    client ??= new SQSClient({});
    await client.send(
      new SendMessageCommand({
        QueueUrl: queueUrl,
        MessageBody: JSON.stringify(job),
        MessageAttributes: { jobId: { DataType: 'String', StringValue: job.jobId } },
      }),
    );
  };
}
