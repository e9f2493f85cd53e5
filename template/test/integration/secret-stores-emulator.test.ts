// The real AWS SDK calls that read the signing secrets, against an emulator of Secrets
// Manager and SSM (e.g. `moto_server`). Runs when AWS_ENDPOINT_URL_SECRETS_MANAGER and
// AWS_ENDPOINT_URL_SSM point at one; skipped otherwise.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CreateSecretCommand, PutSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { createHandler } from '../../src/handler.ts';
import { loadConfig } from '../../src/config.ts';
import { signWebhook } from '../../src/lib/signatures.ts';
import { createMemoryStore } from '../../src/lib/stores/memory.ts';
import { createSecretLoader } from '../../src/secrets.ts';
import { httpEvent } from '../support/http-events.ts';

const emulated = Boolean(process.env.AWS_ENDPOINT_URL_SECRETS_MANAGER && process.env.AWS_ENDPOINT_URL_SSM);
const skip = emulated ? false : 'set AWS_ENDPOINT_URL_SECRETS_MANAGER and AWS_ENDPOINT_URL_SSM to an emulator to run';
const config = { ...loadConfig({}), idempotencyStore: 'memory', secretsCacheSeconds: 300 };
const secret = (label: string) => (config.signatureScheme === 'github' ? `emulator-${label}` : ['whsec', btoa(`emulator ${label}`)].join('_'));
const unique = () => `${Date.now()}-${Math.random().toString(36).slice(2, 8)}`;

describe('secret stores through the AWS SDK', { skip }, () => {
  it('reads a rotation pair from Secrets Manager and verifies deliveries signed with either', async () => {
    const client = new SecretsManagerClient({});
    const name = `webhook-${unique()}`;
    const { ARN } = await client.send(new CreateSecretCommand({ Name: name, SecretString: JSON.stringify([secret('new'), secret('old')]) }));
    const handler = createHandler({ config: { ...config, webhookSecretId: ARN as string }, store: createMemoryStore(), write: () => {} });
    for (const [index, label] of ['new', 'old'].entries()) {
      const body = JSON.stringify({ id: `evt_${label}`, type: 'invoice.paid' });
      const headers = await signWebhook({ scheme: config.signatureScheme, secret: secret(label), rawBody: new TextEncoder().encode(body), eventId: `delivery-${index}`, timestamp: Math.floor(Date.now() / 1000) });
      const result = await handler(httpEvent({ method: 'POST', path: '/webhook', headers: { 'content-type': 'application/json', ...headers }, body }), {});
      assert.equal(result.statusCode, 200, result.body);
    }
  });

  it('picks up a rotated value once the cache expires', async () => {
    const client = new SecretsManagerClient({});
    const name = `webhook-${unique()}`;
    await client.send(new CreateSecretCommand({ Name: name, SecretString: 'first' }));
    let clock = 0;
    const load = createSecretLoader({ secretId: name, cacheSeconds: 300 }, { clock: () => clock });
    assert.deepEqual(await load(), ['first']);
    await client.send(new PutSecretValueCommand({ SecretId: name, SecretString: 'second' }));
    assert.deepEqual(await load(), ['first']);
    clock = 300_000;
    assert.deepEqual(await load(), ['second']);
  });

  it('reads a SecureString from SSM Parameter Store', async () => {
    const name = `/webhook/${unique()}`;
    await new SSMClient({}).send(new PutParameterCommand({ Name: name, Value: '["from-ssm"]', Type: 'SecureString' }));
    const load = createSecretLoader({ parameterName: name, cacheSeconds: 300 });
    assert.deepEqual(await load(), ['from-ssm']);
  });

  it('answers 503 for a stored secret that is not valid JSON, and never writes the secret to a log', async () => {
    const client = new SecretsManagerClient({});
    // A rotation pair with its closing bracket lost: V8's JSON.parse error would quote all of it.
    const broken = `["${secret('new')}", "${secret('old')}"`;
    const { ARN } = await client.send(new CreateSecretCommand({ Name: `webhook-${unique()}`, SecretString: broken }));
    const lines: string[] = [];
    const handler = createHandler({ config: { ...config, webhookSecretId: ARN as string }, store: createMemoryStore(), write: (line) => lines.push(line) });
    const body = JSON.stringify({ id: 'evt_broken', type: 'invoice.paid' });
    const headers = await signWebhook({ scheme: config.signatureScheme, secret: secret('new'), rawBody: new TextEncoder().encode(body), eventId: 'delivery-broken', timestamp: Math.floor(Date.now() / 1000) });
    const result = await handler(httpEvent({ method: 'POST', path: '/webhook', headers: { 'content-type': 'application/json', ...headers }, body }), {});
    assert.equal(result.statusCode, 503);
    assert.ok(lines.some((line) => line.includes('webhook secrets unavailable')));
    for (const part of [secret('new'), secret('old'), secret('new').slice(-12)]) assert.ok(!lines.join('\n').includes(part), 'a secret reached the log');
  });

  it('fails the read, not the process, when the secret does not exist', async () => {
    const load = createSecretLoader({ secretId: `missing-${unique()}`, cacheSeconds: 300 });
    await assert.rejects(load(), { name: 'ResourceNotFoundException' });
  });
});
