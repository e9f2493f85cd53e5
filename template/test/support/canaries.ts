// Log canaries: unique marker values that tests send where secrets and personal data
// travel (authorization, cookies, signatures, API keys, email and card fields). A log
// line is read by more people, and kept longer, than the request it describes, so no
// line may ever contain one of them.
import assert from 'node:assert/strict';
import { randomInt, randomUUID } from 'node:crypto';

const run = randomUUID().slice(0, 8);
const digits = (count: number) => Array.from({ length: count }, () => randomInt(10)).join('');

export const CANARY = {
  authorization: `Bearer canary-authorization-${run}`,
  cookie: `canary-cookie-${run}`,
  signature: `canary-signature-${run}`,
  apiKey: `canary-api-key-${run}`,
  email: `canary.${run}@example.com`,
  card: `4111${digits(12)}`,
  cvc: `canary-cvc-${run}`,
  iban: `DE89${digits(18)}`,
};

/** Every header that carries a secret, each holding a canary (HTTP API lowercases names). */
export const canaryHeaders = {
  authorization: CANARY.authorization,
  cookie: `session=${CANARY.cookie}; theme=dark`,
  'x-api-key': CANARY.apiKey,
  'webhook-signature': `v1,${CANARY.signature}`,
  'stripe-signature': `t=1,v1=${CANARY.signature}`,
  'x-hub-signature-256': `sha256=${CANARY.signature}`,
};

/** HTTP API v2 moves cookies out of the headers into this array. */
export const canaryCookies = [`session=${CANARY.cookie}`, `card=${CANARY.card}`];

/** Personal and card data in the field names the logger must recognise. */
export const canaryFields = {
  email: CANARY.email,
  customer: { email: CANARY.email, card: CANARY.card },
  card: CANARY.card,
  cardNumber: CANARY.card,
  card_number: CANARY.card,
  cvc: CANARY.cvc,
  iban: CANARY.iban,
};

const CANARY_VALUES = Object.values(CANARY).map((value) => value.replace(/^Bearer /, ''));

/** The canaries found in `text`, by value. */
export function canariesIn(text: string): string[] {
  return CANARY_VALUES.filter((value) => text.includes(value));
}

/** The canary headers, leaving out those a test needs real values in (a valid signature or API key). */
export function canaryHeadersExcept(...names: string[]): Record<string, string> {
  return Object.fromEntries(Object.entries(canaryHeaders).filter(([name]) => !names.includes(name)));
}

/**
 * Sends each named event to the handler and checks the log lines it caused; returns each
 * result (or `{ error }` when the handler threw on purpose), so a test can also check
 * that the event took the path it was meant to.
 */
export async function sendEach<E, R>(handler: (event: E, context: { awsRequestId: string }) => R, logs: CanaryLog, events: Record<string, E>): Promise<Record<string, Awaited<R> | { error: unknown }>> {
  const results: Record<string, Awaited<R> | { error: unknown }> = {};
  for (const [name, event] of Object.entries(events)) {
    logs.clear();
    results[name] = await Promise.resolve()
      .then(() => handler(event, { awsRequestId: `canary-${name.replace(/\W+/g, '-')}` }))
      .catch((error) => ({ error }));
    logs.assertClean(`after "${name}"`);
  }
  return results;
}

export interface CanaryLog {
  write: (line: string) => void;
  lines: string[];
  assertClean: (context?: string) => void;
  clear: () => void;
}

/** A log sink for `createHandler({ write })` that remembers every line. */
export function canaryLog(): CanaryLog {
  const lines: string[] = [];
  return {
    write: (line) => lines.push(line),
    lines,
    /** At least one line was written (so the check can fail), and none holds a canary. */
    assertClean(context = '') {
      assert.ok(lines.length > 0, `no log line was written ${context}`);
      const leaks = lines.filter((line) => canariesIn(line).length > 0);
      assert.deepEqual(leaks, [], `log lines leaked ${canariesIn(leaks.join('\n')).join(', ')} ${context}`);
    },
    clear: () => lines.splice(0),
  };
}
