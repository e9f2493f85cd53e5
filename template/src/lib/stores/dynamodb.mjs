// DynamoDB idempotency store. The claim is one PutItem with a condition, which DynamoDB
// evaluates atomically: of N concurrent claims for a key exactly one succeeds.
// The AWS SDK v3 ships with the Lambda Node.js runtime, so this adds no bundle weight.
// Locally, AWS_ENDPOINT_URL_DYNAMODB points the client at an emulator.
// Every call takes an AbortSignal (runOnce gives each one a deadline), and the client
// itself gives up on a connection or an answer that takes too long, with few attempts.
import { clientOptions, loadAwsSdk } from '../aws-sdk.mjs';
import { ClaimLostError, COMPLETED, IN_PROGRESS } from '../idempotency.mjs';

/** @typedef {import('../idempotency.mjs').IdempotencyStore} IdempotencyStore */
/** @typedef {import('../idempotency.mjs').IdempotencyRecord} IdempotencyRecord */

const { ConditionalCheckFailedException, DeleteItemCommand, DynamoDBClient, GetItemCommand, PutItemCommand, UpdateItemCommand } =
  /** @type {typeof import('@aws-sdk/client-dynamodb')} */ (loadAwsSdk('@aws-sdk/client-dynamodb'));

// A DynamoDB item holds at most 400 KB; the key, fingerprint, token and state need well under 4 KB of it.
export const MAX_RESULT_BYTES = 400 * 1024 - 4 * 1024;

/**
 * The store's client, which cannot hang (clientOptions in ../aws-sdk.mjs).
 * @param { { timeoutMs?: number } } [options]
 * @returns {InstanceType<typeof DynamoDBClient>}
 */
export function createDynamoDbClient({ timeoutMs = 3000 } = {}) {
  return new DynamoDBClient(clientOptions(timeoutMs));
}

/**
 * @param { { tableName: string, client?: InstanceType<typeof DynamoDBClient> } } options
 * @returns {IdempotencyStore}
 */
export function createDynamoDbStore({ tableName, client = createDynamoDbClient() }) {
  return {
    maxResultBytes: MAX_RESULT_BYTES,

    async claim({ key, fingerprint, token, now, leaseUntil, expiresAt }, { signal } = {}) {
      try {
        await client.send(
          new PutItemCommand({
            TableName: tableName,
            Item: {
              pk: { S: key },
              fingerprint: { S: fingerprint },
              token: { S: token },
              state: { S: IN_PROGRESS },
              leaseUntil: { N: String(leaseUntil) },
              expiresAt: { N: String(expiresAt) },
            },
            // TTL deletion runs late (up to days), so an expired record counts as absent;
            // so does an in-progress record whose lease ended (its owner crashed).
            ConditionExpression:
              'attribute_not_exists(pk) OR expiresAt <= :now OR (#state = :inProgress AND leaseUntil <= :now)',
            ExpressionAttributeNames: { '#state': 'state' },
            ExpressionAttributeValues: { ':now': { N: String(now) }, ':inProgress': { S: IN_PROGRESS } },
          }),
          { abortSignal: signal },
        );
        return { claimed: true };
      } catch (error) {
        if (!(error instanceof ConditionalCheckFailedException)) throw error;
      }
      const record = await readRecord(client, tableName, key, signal);
      // Released between our failed put and this read: report it as busy for a moment.
      return { claimed: false, record: record ?? { fingerprint, state: IN_PROGRESS, leaseUntil: now + 1 } };
    },

    async complete({ key, token, result, expiresAt }, { signal } = {}) {
      try {
        await client.send(
          new UpdateItemCommand({
            TableName: tableName,
            Key: { pk: { S: key } },
            UpdateExpression: 'SET #state = :completed, #result = :result, expiresAt = :expiresAt REMOVE leaseUntil',
            ConditionExpression: '#token = :token',
            ExpressionAttributeNames: { '#state': 'state', '#result': 'result', '#token': 'token' },
            ExpressionAttributeValues: {
              ':completed': { S: COMPLETED },
              ':result': { S: JSON.stringify(result) },
              ':expiresAt': { N: String(expiresAt) },
              ':token': { S: token },
            },
          }),
          { abortSignal: signal },
        );
      } catch (error) {
        if (error instanceof ConditionalCheckFailedException) throw new ClaimLostError(`claim on ${key} was lost before completion`);
        throw error;
      }
    },

    async release({ key, token }, { signal } = {}) {
      try {
        await client.send(
          new DeleteItemCommand({
            TableName: tableName,
            Key: { pk: { S: key } },
            ConditionExpression: '#token = :token',
            ExpressionAttributeNames: { '#token': 'token' },
            ExpressionAttributeValues: { ':token': { S: token } },
          }),
          { abortSignal: signal },
        );
      } catch (error) {
        // Someone else owns the key now (our lease ended); their record stays.
        if (!(error instanceof ConditionalCheckFailedException)) throw error;
      }
    },
  };
}

/**
 * @param {InstanceType<typeof DynamoDBClient>} client
 * @param {string} tableName
 * @param {string} key
 * @param {AbortSignal | undefined} signal
 * @returns {Promise<Partial<IdempotencyRecord> | null>}
 */
async function readRecord(client, tableName, key, signal) {
  const { Item } = await client.send(
    new GetItemCommand({ TableName: tableName, Key: { pk: { S: key } }, ConsistentRead: true }),
    { abortSignal: signal },
  );
  if (!Item) return null;
  return {
    fingerprint: Item.fingerprint?.S,
    state: Item.state?.S,
    leaseUntil: Number(Item.leaseUntil?.N ?? 0),
    expiresAt: Number(Item.expiresAt?.N ?? 0),
    result: Item.result ? JSON.parse(/** @type {string} */ (Item.result.S)) : undefined,
  };
}
