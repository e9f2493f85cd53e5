// Secrets (webhook signing secrets, API keys), read from Secrets Manager (`secretId`) or
// SSM Parameter Store (`parameterName`, a SecureString) and cached per container.
// The stored value is one secret, or a JSON array of secrets while one is rotated:
//   ["<new secret>", "<old secret>"]  → both are accepted.

export function createSecretLoader({ secretId, parameterName, cacheSeconds }, { fetchSecretString = fetchFromAws, clock = Date.now } = {}) {
  let cached = null;
  return async function loadSecrets() {
    if (cached && clock() - cached.loadedAt < cacheSeconds * 1000) return cached.secrets;
    // A failed read is not cached: the next request tries the store again.
    const secrets = parseSecrets(await fetchSecretString({ secretId, parameterName }));
    cached = { secrets, loadedAt: clock() };
    return secrets;
  };
}

export function parseSecrets(value) {
  const text = typeof value === 'string' ? value.trim() : '';
  if (text.startsWith('[')) {
    const list = JSON.parse(text);
    if (!Array.isArray(list)) throw new Error('the secret must be a string or a JSON array of strings');
    return list.filter((item) => typeof item === 'string' && item.trim() !== '').map((item) => item.trim());
  }
  if (text === '') throw new Error('the secret is empty');
  return [text];
}

async function fetchFromAws({ secretId, parameterName }) {
  if (secretId) {
    const { GetSecretValueCommand, SecretsManagerClient } = await import('@aws-sdk/client-secrets-manager');
    const client = new SecretsManagerClient({});
    const { SecretString } = await client.send(new GetSecretValueCommand({ SecretId: secretId }));
    return SecretString;
  }
  if (parameterName) {
    const { GetParameterCommand, SSMClient } = await import('@aws-sdk/client-ssm');
    const client = new SSMClient({});
    const { Parameter } = await client.send(new GetParameterCommand({ Name: parameterName, WithDecryption: true }));
    return Parameter?.Value;
  }
  throw new Error('no secret store configured: set its Secrets Manager id or SSM parameter name (template.yaml, Environment)');
}
