// Hands an import job to the SQS jobs queue, where the heavy work happens with its own
// retries and dead-letter queue. The AWS SDK ships with the Lambda runtime; locally,
// AWS_ENDPOINT_URL_SQS points it at an emulator.
import { loadAwsSdk } from './lib/aws-sdk.mjs';

export function createSqsJobQueue({ queueUrl }) {
  let client;
  return async function enqueueJob(job) {
    const { SQSClient, SendMessageCommand } = loadAwsSdk('@aws-sdk/client-sqs');
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
