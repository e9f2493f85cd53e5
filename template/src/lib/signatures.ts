// Webhook signature verification with WebCrypto only, so it runs unchanged on Node.js
// (Lambda) and workerd (Workers). Three schemes:
//
//   standard_webhooks  webhook-id, webhook-timestamp, webhook-signature: "v1,<base64>" (space-separated);
//                      HMAC-SHA256 over "id.timestamp.body" keyed with the base64 part of "whsec_<base64>".
//                      Svix sends the same under svix-id, svix-timestamp and svix-signature.
//   stripe             Stripe-Signature: "t=<unix>,v1=<hex>[,v1=<hex>]"; HMAC over "t.body" keyed with the
//                      whole secret string; the event id is the body's "id".
//   github             X-Hub-Signature-256: "sha256=<hex>"; HMAC over the body alone. GitHub signs no
//                      timestamp, so there is no time window: a captured delivery replayed within the
//                      idempotency TTL is answered from the store by its X-GitHub-Delivery id; after the
//                      TTL it would run again (restrict the endpoint to GitHub's hook IP ranges).
//
// verifyWebhook({ scheme, headers, rawBody, secrets, toleranceSeconds, now })
//   headers   { lowercase-name: value }
//   rawBody   Uint8Array, exactly the bytes received (re-serialised JSON would not match)
//   secrets   string[]; every one is tried, so old and new secrets both verify during a rotation
//   now       () => epoch seconds
// → { ok: true, eventId } | { ok: false, reason }
// `reason` is for logs only: a caller learns nothing from a 401 but its status.

import { matchesAny } from './constant-time.ts';

export const SCHEMES = ['standard_webhooks', 'stripe', 'github'];
export const DEFAULT_TOLERANCE_SECONDS = 300;

// encode() always returns a new ArrayBuffer-backed array, which Web Crypto needs (workerd's types say only Uint8Array).
const encoder = new TextEncoder() as { encode(input?: string): Uint8Array<ArrayBuffer> };

/** The outcome of a verification; `reason` is for logs only. */
export type Verdict = { ok: true; eventId: string | undefined; reason?: undefined } | { ok: false; reason: string; eventId?: undefined };

export async function verifyWebhook({
  scheme,
  headers,
  rawBody,
  secrets,
  toleranceSeconds = DEFAULT_TOLERANCE_SECONDS,
  now = () => Math.floor(Date.now() / 1000),
}: {
  /** one of SCHEMES */
  scheme: string;
  headers: Record<string, string>;
  rawBody?: Uint8Array;
  secrets?: string[];
  toleranceSeconds?: number;
  now?: () => number;
}): Promise<Verdict> {
  const usable = (secrets ?? []).filter((secret) => typeof secret === 'string' && secret !== '');
  if (usable.length === 0) return refuse('no_secret_configured');
  // WebCrypto signs no view of a SharedArrayBuffer, and a received body never is one.
  const body = (rawBody ?? new Uint8Array()) as Uint8Array<ArrayBuffer>;
  switch (scheme) {
    case 'standard_webhooks':
      return verifyStandardWebhooks(headers, body, usable, toleranceSeconds, now);
    case 'stripe':
      return verifyStripe(headers, body, usable, toleranceSeconds, now);
    case 'github':
      return verifyGithub(headers, body, usable);
    default:
      return refuse('unknown_scheme');
  }
}

// Svix, the reference sender, names the headers svix-*, unless a provider white-labels it.
const STANDARD_HEADER_PREFIXES = ['webhook', 'svix'];

async function verifyStandardWebhooks(headers: Record<string, string>, body: Uint8Array<ArrayBuffer>, secrets: string[], toleranceSeconds: number, now: () => number): Promise<Verdict> {
  const prefix = STANDARD_HEADER_PREFIXES.find((name) => headers[`${name}-signature`] !== undefined) ?? 'webhook';
  const id = headers[`${prefix}-id`];
  const timestamp = headers[`${prefix}-timestamp`];
  const signatureHeader = headers[`${prefix}-signature`];
  if (!id || !timestamp || !signatureHeader) return refuse('missing_signature_headers');
  const timing = checkTimestamp(timestamp, toleranceSeconds, now);
  if (timing) return refuse(timing);
  const provided = signatureHeader
      .split(' ')
      .filter((part) => part.startsWith('v1,'))
      .map((part) => fromBase64(part.slice(3)))
      .filter(Boolean) as Uint8Array[];
  if (provided.length === 0) return refuse('malformed_signature');
  const signed = concat(encoder.encode(`${id}.${timestamp}.`), body);
  for (const secret of secrets) {
    const key = fromBase64(secret.startsWith('whsec_') ? secret.slice('whsec_'.length) : secret);
    if (!key || key.length === 0) continue;
    if (await hmacMatchesAny(key, signed, provided)) return { ok: true, eventId: id };
  }
  return refuse('no_matching_signature');
}

async function verifyStripe(headers: Record<string, string>, body: Uint8Array<ArrayBuffer>, secrets: string[], toleranceSeconds: number, now: () => number): Promise<Verdict> {
  const header = headers['stripe-signature'];
  if (!header) return refuse('missing_signature_headers');
  const pairs = header.split(',').map((part) => part.trim().split('='));
  const timestamp = pairs.find(([name]) => name === 't')?.[1];
  const provided = pairs.filter(([name]) => name === 'v1').map(([, value]) => fromHex(value)).filter(Boolean) as Uint8Array[];
  if (!timestamp || provided.length === 0) return refuse('malformed_signature');
  const timing = checkTimestamp(timestamp, toleranceSeconds, now);
  if (timing) return refuse(timing);
  const signed = concat(encoder.encode(`${timestamp}.`), body);
  for (const secret of secrets) {
    if (await hmacMatchesAny(encoder.encode(secret), signed, provided)) return { ok: true, eventId: jsonIdOf(body) };
  }
  return refuse('no_matching_signature');
}

async function verifyGithub(headers: Record<string, string>, body: Uint8Array<ArrayBuffer>, secrets: string[]): Promise<Verdict> {
  const header = headers['x-hub-signature-256'];
  if (!header) return refuse('missing_signature_headers');
  const provided = header.startsWith('sha256=') ? fromHex(header.slice('sha256='.length)) : null;
  if (!provided) return refuse('malformed_signature');
  for (const secret of secrets) {
    if (await hmacMatchesAny(encoder.encode(secret), body, [provided])) {
      return { ok: true, eventId: headers['x-github-delivery'] };
    }
  }
  return refuse('no_matching_signature');
}

/**
 * Rejects timestamps too far in the past (replays) and in the future (pre-signed deliveries).
 * @param value epoch seconds as sent
 * @returns why it is refused, or null
 */
function checkTimestamp(value: string, toleranceSeconds: number, now: () => number): string | null {
  if (!/^\d{1,12}$/.test(value)) return 'malformed_timestamp';
  const age = now() - Number(value);
  if (age > toleranceSeconds) return 'timestamp_too_old';
  if (age < -toleranceSeconds) return 'timestamp_in_future';
  return null;
}

async function hmacMatchesAny(keyBytes: Uint8Array<ArrayBuffer>, message: Uint8Array<ArrayBuffer>, providedSignatures: Uint8Array[]): Promise<boolean> {
  const key = await crypto.subtle.importKey('raw', keyBytes, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  const expected = new Uint8Array(await crypto.subtle.sign('HMAC', key, message));
  return matchesAny(expected, providedSignatures);
}

function jsonIdOf(body: Uint8Array): string | undefined {
  try {
    const id = JSON.parse(new TextDecoder().decode(body))?.id;
    return typeof id === 'string' ? id : undefined;
  } catch {
    return undefined;
  }
}

function fromBase64(text: string): Uint8Array<ArrayBuffer> | null {
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(text)) return null;
  try {
    return Uint8Array.from(atob(text), (char) => char.charCodeAt(0));
  } catch {
    return null;
  }
}

function fromHex(text: string): Uint8Array | null {
  if (!/^(?:[0-9a-fA-F]{2})+$/.test(text ?? '')) return null;
  return Uint8Array.from((text.match(/../g) as RegExpMatchArray), (pair) => parseInt(pair, 16));
}

function concat(first: Uint8Array, second: Uint8Array): Uint8Array<ArrayBuffer> {
  const joined = new Uint8Array(first.length + second.length);
  joined.set(first, 0);
  joined.set(second, first.length);
  return joined;
}

function refuse(reason: string): { ok: false; reason: string } {
  return { ok: false, reason };
}

/**
 * Signs like the provider does; tests and local tools use it to build deliveries.
 * @returns the signature headers
 */
export async function signWebhook({ scheme, secret, rawBody, eventId, timestamp }: {
  /** one of SCHEMES */
  scheme: string;
  secret: string;
  rawBody?: Uint8Array<ArrayBuffer>;
  /** Stripe: unused (the body's "id" names the event) */
  eventId: string;
  /** epoch seconds; GitHub: unused */
  timestamp: number;
}): Promise<Record<string, string>> {
  const body = rawBody ?? new Uint8Array();
  const hmac = async (keyBytes: Uint8Array<ArrayBuffer>, message: Uint8Array<ArrayBuffer>) => {
    const key = await crypto.subtle.importKey('raw', keyBytes, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
    return new Uint8Array(await crypto.subtle.sign('HMAC', key, message));
  };
  const hex = (bytes: Uint8Array) => [...bytes].map((byte) => byte.toString(16).padStart(2, '0')).join('');
  if (scheme === 'standard_webhooks') {
    // A secret that is not base64 gives no key, and importKey throws.
    const key = fromBase64(secret.replace(/^whsec_/, '')) as Uint8Array<ArrayBuffer>;
    const signature = await hmac(key, concat(encoder.encode(`${eventId}.${timestamp}.`), body));
    return {
      'webhook-id': eventId,
      'webhook-timestamp': String(timestamp),
      'webhook-signature': `v1,${btoa(String.fromCharCode(...signature))}`,
    };
  }
  if (scheme === 'stripe') {
    const signature = await hmac(encoder.encode(secret), concat(encoder.encode(`${timestamp}.`), body));
    return { 'stripe-signature': `t=${timestamp},v1=${hex(signature)}` };
  }
  if (scheme === 'github') {
    const signature = await hmac(encoder.encode(secret), body);
    return { 'x-hub-signature-256': `sha256=${hex(signature)}`, 'x-github-delivery': eventId };
  }
  throw new Error(`unknown signature scheme ${scheme}`);
}
