// Secrets (webhook signing secrets, API keys), read from Secrets Manager (`secretId`) or
// SSM Parameter Store (`parameterName`, a SecureString) and cached per container.
// The stored value is one secret, or a JSON array of secrets while one is rotated:
//   ["<new secret>", "<old secret>"]  → both are accepted.
// Each read has a deadline (the request's budget, at most `timeoutMs`), and the SDK clients
// give up on a slow connection or answer themselves, so a hung secret store answers 503.
import { clientOptions, loadAwsSdk } from './lib/aws-sdk.mjs';
import { openBudget } from './lib/deadline.mjs';

/** @typedef {(options?: { budget?: import('./lib/deadline.mjs').Budget }) => Promise<string[]>} SecretLoader */

/**
 * @typedef {object} SecretRequest
 * @property {string} [secretId]       Secrets Manager id or ARN
 * @property {string} [parameterName]  SSM SecureString name
 * @property {AbortSignal} signal
 * @property {number} timeoutMs
 */

/**
 * @param {object} source
 * @param {string} [source.secretId]
 * @param {string} [source.parameterName]
 * @param {number} source.cacheSeconds
 * @param {number} [source.timeoutMs]
 * @param {object} [dependencies]
 * @param {(request: SecretRequest) => Promise<string | undefined>} [dependencies.fetchSecretString]
 * @param {() => number} [dependencies.clock]  epoch ms
 * @returns {SecretLoader}
 */
export function createSecretLoader({ secretId, parameterName, cacheSeconds, timeoutMs = 3000 }, { fetchSecretString = fetchFromAws, clock = Date.now } = {}) {
  /** @type { { secrets: string[], loadedAt: number } | null} */
  let cached = null;
  return async function loadSecrets({ budget = openBudget(timeoutMs) } = {}) {
    if (cached && clock() - cached.loadedAt < cacheSeconds * 1000) return cached.secrets;
    // A failed read is not cached: the next request tries the store again.
    const value = await budget.call('secret read', ({ signal }) => fetchSecretString({ secretId, parameterName, signal, timeoutMs }));
    const secrets = parseSecrets(value);
    cached = { secrets, loadedAt: clock() };
    return secrets;
  };
}

/**
 * @param {unknown} value  the stored secret string
 * @returns {string[]}
 */
export function parseSecrets(value) {
  const text = typeof value === 'string' ? value.trim() : '';
  if (text.startsWith('[')) {
    // JSON.parse's own message quotes the text it failed on, which here is the secret: never pass it on.
    /** @type {unknown} */
    let list;
    try {
      list = JSON.parse(text);
    } catch {
      list = null;
    }
    if (!Array.isArray(list)) throw new Error('the secret starts with "[" but is not a JSON array of strings');
    return list.filter((item) => typeof item === 'string' && item.trim() !== '').map((item) => item.trim());
  }
  if (text === '') throw new Error('the secret is empty');
  return [text];
}

/**
 * @param {SecretRequest} request
 * @returns {Promise<string | undefined>}
 */
async function fetchFromAws({ secretId, parameterName, signal, timeoutMs }) {
  if (secretId) {
    const { GetSecretValueCommand, SecretsManagerClient } = /** @type {typeof import('@aws-sdk/client-secrets-manager')} */ (loadAwsSdk('@aws-sdk/client-secrets-manager'));
    const client = new SecretsManagerClient(clientOptions(timeoutMs));
    const { SecretString } = await client.send(new GetSecretValueCommand({ SecretId: secretId }), { abortSignal: signal });
    return SecretString;
  }
  if (parameterName) {
    const { GetParameterCommand, SSMClient } = /** @type {typeof import('@aws-sdk/client-ssm')} */ (loadAwsSdk('@aws-sdk/client-ssm'));
    const client = new SSMClient(clientOptions(timeoutMs));
    const { Parameter } = await client.send(new GetParameterCommand({ Name: parameterName, WithDecryption: true }), { abortSignal: signal });
    return Parameter?.Value;
  }
  throw new Error('no secret store configured: set its Secrets Manager id or SSM parameter name (template.yaml, Environment)');
}
