// Starts dynalite, a DynamoDB emulator, inside the test process on a free loopback
// port, and points the AWS SDK at it through AWS_ENDPOINT_URL_DYNAMODB, the SDK's
// standard override. No Docker, no AWS account.
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import dynalite from 'dynalite';

/** @typedef { { endpoint: string, stop: () => Promise<unknown> } } DynamoDbEmulator */

/** @returns {Promise<DynamoDbEmulator>} */
export async function startDynamoDb() {
  // dynalite ships no types; it returns the node:http server it made.
  const server = /** @type {import('node:http').Server} */ (dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 }));
  await /** @type {Promise<void>} */ (new Promise((resolve) => server.listen(0, '127.0.0.1', resolve)));
  const endpoint = `http://127.0.0.1:${/** @type {import('node:net').AddressInfo} */ (server.address()).port}`;
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

/**
 * Same key schema and TTL attribute as IdempotencyTable in template.yaml.
 * @param {string} tableName
 */
export async function createIdempotencyTable(tableName) {
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
