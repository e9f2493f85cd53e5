// The three signature schemes, each proven against deliveries signed the provider's way.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { constantTimeEqual } from '../../src/lib/constant-time.mjs';
import { signWebhook, verifyWebhook } from '../../src/lib/signatures.mjs';

const NOW = 1_800_000_000;
const body = new TextEncoder().encode('{"id":"evt_test_1","type":"invoice.paid","amount":1299}');
// Test secrets are assembled at run time, so no file holds a secret-shaped string.
const secretFor = (/** @type {string} */ scheme, /** @type {string} */ label) =>
  scheme === 'github' ? `test-secret-${label}` : ['whsec', btoa(`test secret ${label}`)].join('_');

/**
 * @param {string} scheme
 * @param { { secret?: string, timestamp?: number, rawBody?: Uint8Array<ArrayBuffer> } } [options]
 */
async function delivery(scheme, { secret = secretFor(scheme, 'a'), timestamp = NOW - 10, rawBody = body } = {}) {
  const headers = await signWebhook({ scheme, secret, rawBody, eventId: 'delivery-1', timestamp });
  return { headers, rawBody };
}

/**
 * @param {string} scheme
 * @param { { headers: Record<string, string>, rawBody: Uint8Array } } delivery
 * @param {Partial<Parameters<typeof verifyWebhook>[0]>} [overrides]
 */
const verify = (scheme, { headers, rawBody }, overrides = {}) =>
  verifyWebhook({ scheme, headers, rawBody, secrets: [secretFor(scheme, 'a')], now: () => NOW, ...overrides });

for (const scheme of ['standard_webhooks', 'stripe', 'github']) {
  describe(scheme, () => {
    it('accepts a correctly signed delivery and returns the event id', async () => {
      const verdict = await verify(scheme, await delivery(scheme));
      assert.equal(verdict.ok, true);
      assert.equal(verdict.eventId, scheme === 'stripe' ? 'evt_test_1' : 'delivery-1');
    });

    it('rejects a tampered body', async () => {
      const signed = await delivery(scheme);
      const tampered = new TextEncoder().encode('{"id":"evt_test_1","type":"invoice.paid","amount":1}');
      assert.deepEqual(await verify(scheme, { ...signed, rawBody: tampered }), { ok: false, reason: 'no_matching_signature' });
    });

    it('rejects a delivery signed with another secret', async () => {
      const verdict = await verify(scheme, await delivery(scheme, { secret: secretFor(scheme, 'other') }));
      assert.equal(verdict.reason, 'no_matching_signature');
    });

    it('accepts the old and the new secret during a rotation', async () => {
      const secrets = [secretFor(scheme, 'new'), secretFor(scheme, 'a')];
      assert.equal((await verify(scheme, await delivery(scheme), { secrets })).ok, true);
      const withNew = await delivery(scheme, { secret: secretFor(scheme, 'new') });
      assert.equal((await verify(scheme, withNew, { secrets })).ok, true);
    });

    it('rejects missing and malformed signature headers', async () => {
      assert.equal((await verify(scheme, { headers: {}, rawBody: body })).reason, 'missing_signature_headers');
      const { headers } = await delivery(scheme);
      const broken = Object.fromEntries(Object.entries(headers).map(([name, value]) => [name, /signature/.test(name) ? 'garbage' : value]));
      assert.equal((await verify(scheme, { headers: broken, rawBody: body })).ok, false);
    });

    it('refuses to verify without a configured secret', async () => {
      // null is outside the type, and verifyWebhook ignores it all the same.
      const verdict = await verify(scheme, await delivery(scheme), { secrets: /** @type {string[]} */ (['', null]) });
      assert.equal(verdict.reason, 'no_secret_configured');
    });

    if (scheme !== 'github') {
      it('rejects timestamps older or newer than the tolerance', async () => {
        const old = await verify(scheme, await delivery(scheme, { timestamp: NOW - 301 }));
        const future = await verify(scheme, await delivery(scheme, { timestamp: NOW + 301 }));
        assert.equal(old.reason, 'timestamp_too_old');
        assert.equal(future.reason, 'timestamp_in_future');
        assert.equal((await verify(scheme, await delivery(scheme, { timestamp: NOW - 300 }))).ok, true);
      });
    }
  });
}

it('compares signatures in constant time, byte by byte', () => {
  assert.equal(constantTimeEqual(new Uint8Array([1, 2, 3]), new Uint8Array([1, 2, 3])), true);
  assert.equal(constantTimeEqual(new Uint8Array([1, 2, 3]), new Uint8Array([1, 2, 4])), false);
  assert.equal(constantTimeEqual(new Uint8Array([1, 2]), new Uint8Array([1, 2, 3])), false);
});
