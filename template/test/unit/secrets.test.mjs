// Loading the signing secrets: one or several (rotation), cached per container,
// and a failed read is retried on the next request instead of being remembered.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { createSecretLoader, parseSecrets } from '../../src/secrets.mjs';

it('reads one secret or a JSON array of secrets', () => {
  assert.deepEqual(parseSecrets('  one  '), ['one']);
  assert.deepEqual(parseSecrets('["new", "old", ""]'), ['new', 'old']);
  assert.throws(() => parseSecrets(''), /empty/);
  assert.throws(() => parseSecrets(undefined), /empty/);
});

it('refuses a value that is not a JSON array without quoting it (V8 quotes the text it fails on)', () => {
  for (const broken of ['[whsec_c2hvcnQ=', '["whsec_c2hvcnQ=",]', '[{"secret":"whsec_c2hvcnQ="}', '[']) {
    assert.throws(() => parseSecrets(broken), (/** @type {Error} */ error) => {
      assert.doesNotMatch(`${error.message} ${error.stack} ${error.cause ?? ''}`, /c2hvcnQ/);
      return /not a JSON array/.test(error.message);
    }, broken);
  }
});

it('gives up on a secret store that never answers, inside the deadline', async () => {
  const load = createSecretLoader({ cacheSeconds: 300, timeoutMs: 50 }, { fetchSecretString: () => new Promise(() => {}) });
  await assert.rejects(load(), { name: 'DeadlineExceededError' });
});

it('caches the secrets for cacheSeconds, then reads them again', async () => {
  let reads = 0;
  let clock = 0;
  const load = createSecretLoader({ cacheSeconds: 300 }, {
    fetchSecretString: async () => `secret-${(reads += 1)}`,
    clock: () => clock,
  });
  assert.deepEqual(await load(), ['secret-1']);
  clock = 299_000;
  assert.deepEqual(await load(), ['secret-1']);
  clock = 300_000;
  assert.deepEqual(await load(), ['secret-2']);
});

it('does not remember a failed read', async () => {
  let fail = true;
  const load = createSecretLoader({ cacheSeconds: 300 }, {
    fetchSecretString: async () => {
      if (fail) throw new Error('AccessDeniedException');
      return 'recovered';
    },
  });
  await assert.rejects(load(), /AccessDenied/);
  fail = false;
  assert.deepEqual(await load(), ['recovered']);
});

it('says which setting is missing when no secret store is configured', async () => {
  const load = createSecretLoader({ cacheSeconds: 300, secretId: '', parameterName: '' });
  await assert.rejects(load(), /Secrets Manager id or SSM parameter name/);
});
