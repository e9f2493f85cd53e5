// Hands an import job to the SQS jobs queue, where the heavy work happens with its own
// retries and dead-letter queue. The AWS SDK ships with the Lambda runtime; locally,
// AWS_ENDPOINT_URL_SQS points it at an emulator.
import { loadAwsSdk } from './lib/aws-sdk.ts';
import type { EnqueueJob, ImportJob } from './files.ts';
import type { SQSClient } from '@aws-sdk/client-sqs';

export function createSqsJobQueue({ queueUrl }: { queueUrl: string }): EnqueueJob {
  let client: SQSClient | undefined;
  return async function enqueueJob(job: ImportJob) {
    const { SQSClient, SendMessageCommand } = loadAwsSdk('@aws-sdk/client-sqs') as typeof import('@aws-sdk/client-sqs');
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
