// The baseline for bench/cold_start.mjs: the generated orders job (POST /orders with an
// Idempotency-Key, validate, 202 JSON, at most one side effect per key, JSON log lines)
// written the way the Powertools for AWS Lambda (TypeScript) documentation shows it:
// makeIdempotent around the side effect, DynamoDBPersistenceLayer as the store, Logger
// for structured logs. Everything is created at module scope, as the docs do, so the
// DynamoDB client and the AWS SDK load with the module.
// Environment: IDEMPOTENCY_TABLE (partition key `id`, the persistence layer's default).
import {
  IdempotencyAlreadyInProgressError,
  IdempotencyConfig,
  IdempotencyPersistenceLayerError,
  IdempotencyValidationError,
  makeIdempotent,
} from '@aws-lambda-powertools/idempotency';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import { Logger } from '@aws-lambda-powertools/logger';

const logger = new Logger({ serviceName: 'orders-api' });

const config = new IdempotencyConfig({
  eventKeyJmesPath: 'key',
  payloadValidationJmesPath: 'order',
  throwOnNoIdempotencyKey: true,
  expiresAfterSeconds: 24 * 60 * 60,
});

const persistenceStore = new DynamoDBPersistenceLayer({ tableName: process.env.IDEMPOTENCY_TABLE ?? 'orders-idempotency' });

const CURRENCY = /^[A-Z]{3}$/;

function validateOrder(input) {
  if (input === null || typeof input !== 'object' || Array.isArray(input)) return null;
  if (!Number.isSafeInteger(input.amount) || input.amount <= 0) return null;
  if (typeof input.currency !== 'string' || !CURRENCY.test(input.currency)) return null;
  return { amount: input.amount, currency: input.currency };
}

// The side effect, run at most once per key; its return value is what a replay returns.
const acceptOrder = makeIdempotent(
  async ({ order }) => {
    const accepted = { orderId: crypto.randomUUID(), status: 'accepted', ...order };
    logger.info('order accepted', { orderId: accepted.orderId, amount: accepted.amount, currency: accepted.currency });
    return accepted;
  },
  { persistenceStore, config },
);

const json = (statusCode, payload, headers = {}) => ({
  statusCode,
  headers: { 'content-type': 'application/json', ...headers },
  body: JSON.stringify(payload),
  isBase64Encoded: false,
});

async function route(event) {
  const method = event.requestContext?.http?.method;
  if (event.rawPath !== '/orders') return json(404, { error: 'not_found' });
  if (method !== 'POST') return json(405, { error: 'method_not_allowed' }, { allow: 'POST' });
  const headers = event.headers ?? {};
  if (!/^application\/json\b/i.test(headers['content-type'] ?? '')) return json(415, { error: 'unsupported_media_type' });
  let input;
  try {
    input = JSON.parse(event.isBase64Encoded ? Buffer.from(event.body ?? '', 'base64').toString('utf8') : (event.body ?? ''));
  } catch {
    return json(400, { error: 'invalid_json' });
  }
  const order = validateOrder(input);
  if (!order) return json(400, { error: 'invalid_input' });
  const key = headers['idempotency-key'];
  if (!key) return json(400, { error: 'idempotency_key_missing' });
  try {
    return json(202, await acceptOrder({ key, order }));
  } catch (error) {
    if (error instanceof IdempotencyValidationError) return json(422, { error: 'idempotency_key_reused' });
    if (error instanceof IdempotencyAlreadyInProgressError) return json(409, { error: 'request_in_progress' }, { 'retry-after': '1' });
    if (error instanceof IdempotencyPersistenceLayerError) {
      return json(503, { error: 'idempotency_store_unavailable' }, { 'retry-after': '1' });
    }
    throw error;
  }
}

export async function handler(event, context) {
  const startedAt = Date.now();
  config.registerLambdaContext(context);
  const correlationId = event.headers?.['x-correlation-id'] ?? event.requestContext?.requestId;
  const response = await route(event);
  logger.info('request completed', {
    correlationId,
    route: `${event.requestContext?.http?.method} ${event.rawPath}`,
    status: response.statusCode,
    durationMs: Date.now() - startedAt,
  });
  return response;
}
