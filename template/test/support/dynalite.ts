// Starts dynalite, a DynamoDB emulator, inside the test process on a free loopback
// port, and points the AWS SDK at it through AWS_ENDPOINT_URL_DYNAMODB, the SDK's
// standard override. No Docker, no AWS account.
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import dynalite from 'dynalite';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export type DynamoDbEmulator = { endpoint: string; stop: () => Promise<unknown> };

export async function startDynamoDb(): Promise<DynamoDbEmulator> {
  // dynalite ships no types; it returns the node:http server it made.
  const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 }) as Server;
  await (new Promise((resolve) => server.listen(0, '127.0.0.1', resolve)) as Promise<void>);
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  Object.assign(process.env, {
    AWS_ENDPOINT_URL_DYNAMODB: endpoint,
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
    // Fail fast when the emulator is stopped on purpose (store outage tests).
    AWS_MAX_ATTEMPTS: '1',
  });
  return {
    endpoint,
    stop: () => new Promise((resolve) => server.close(resolve)),
  };
}

/** Same key schema and TTL attribute as IdempotencyTable in template.yaml. */
export async function createIdempotencyTable(tableName: string) {
  const client = new DynamoDBClient({});
  await client.send(
    new CreateTableCommand({
      TableName: tableName,
      AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
      BillingMode: 'PAY_PER_REQUEST',
    }),
  );
  client.destroy();
}
