// The cold-start floor: the least a DynamoDB-backed idempotent Lambda handler does for
// POST /orders. It imports the same SDK client as the generated store, builds it with the
// same options (two attempts, connection and request timeouts), and makes the same two
// calls: one conditional PutItem to claim the key, one UpdateItem to complete it. No
// validation, no contract checks, no logs, no hashing.
//
// bench/cold_start.mjs copies this file into the rendered project, so that the SDK
// resolves from the project's node_modules exactly as src/lib/stores/dynamodb.mjs does.
//
// With FLOOR_SDK_LOADING=require it loads the SDK as the generated store does
// (src/lib/aws-sdk.mjs: `require`, which skips Node's ES-to-CommonJS translation); without,
// with `import`, as most handlers are written.
import { createRequire } from 'node:module';

const { DynamoDBClient, PutItemCommand, UpdateItemCommand } =
  process.env.FLOOR_SDK_LOADING === 'require' ? createRequire(import.meta.url)('@aws-sdk/client-dynamodb') : await import('@aws-sdk/client-dynamodb');

const client = new DynamoDBClient({ maxAttempts: 2, requestHandler: { connectionTimeout: 3000, requestTimeout: 3000 } });
const table = process.env.IDEMPOTENCY_TABLE;

export async function handler(event) {
  const text = event.isBase64Encoded ? Buffer.from(event.body ?? '', 'base64').toString('utf8') : (event.body ?? '');
  const input = JSON.parse(text);
  const key = { S: event.headers['idempotency-key'] };
  const now = Math.floor(Date.now() / 1000);
  await client.send(
    new PutItemCommand({
      TableName: table,
      Item: { pk: key, state: { S: 'IN_PROGRESS' }, leaseUntil: { N: String(now + 30) }, expiresAt: { N: String(now + 86_400) } },
      ConditionExpression: 'attribute_not_exists(pk) OR expiresAt <= :now',
      ExpressionAttributeValues: { ':now': { N: String(now) } },
    }),
  );
  const order = { orderId: crypto.randomUUID(), status: 'accepted', amount: input.amount, currency: input.currency };
  const body = JSON.stringify(order);
  await client.send(
    new UpdateItemCommand({
      TableName: table,
      Key: { pk: key },
      UpdateExpression: 'SET #state = :completed, #result = :result REMOVE leaseUntil',
      ExpressionAttributeNames: { '#state': 'state', '#result': 'result' },
      ExpressionAttributeValues: { ':completed': { S: 'COMPLETED' }, ':result': { S: body } },
    }),
  );
  return { statusCode: 202, headers: { 'content-type': 'application/json' }, body, isBase64Encoded: false };
}
