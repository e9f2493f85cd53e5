// What the Worker logs, as tests see it: the logger writes one JSON line per
// console.log call, so a spy on console.log is its whole output.
import { vi } from 'vitest';

/**
 * Secrets and personal data that tests send (headers, body fields, messages). None of
 * them may ever appear in a log line; each is unique, so a leak names its source.
 */
export const CANARIES = {
  authorization: 'Bearer canary-authorization-b61f0e',
  cookie: 'session=canary-cookie-7d24c9',
  signature: 'canary-signature-3a9e51',
  apiKey: 'canary-api-key-e05b8d',
  email: 'canary-email-41c7f2@example.test',
  card: '4000-canary-card-9f3d60',
  cardNumber: '5500-canary-card-number-2b7e14',
};

/**
 * What captureLogs() returns: the log lines so far, and clear() to empty them.
 * @typedef {object} LogCapture
 * @property {string[]} lines
 * @property {() => void} clear
 */

/**
 * Starts collecting log lines, until the test's vi.restoreAllMocks(). clear() empties the
 * capture, and the spy's own record of calls, which would otherwise grow with every event.
 * @returns {LogCapture}
 */
export function captureLogs() {
  /** @type {string[]} */
  const lines = [];
  const spy = vi.spyOn(console, 'log').mockImplementation((...parts) => {
    lines.push(parts.map(String).join(' '));
  });
  return {
    lines,
    clear() {
      lines.length = 0;
      spy.mockClear();
    },
  };
}

/**
 * Every line is one JSON object, and no line holds a canary or any of `secrets`.
 * @param {string[]} lines
 * @param {string[]} [secrets]
 */
export function expectCleanLogs(lines, secrets = []) {
  const forbidden = [...Object.values(CANARIES), ...secrets];
  for (const line of lines) {
    const entry = JSON.parse(line);
    if (entry === null || typeof entry !== 'object' || Array.isArray(entry)) throw new Error(`a log line is not a JSON object: ${line.slice(0, 500)}`);
    const leaked = forbidden.find((secret) => line.includes(secret));
    if (leaked !== undefined) throw new Error(`a log line leaks ${JSON.stringify(leaked)}: ${line.slice(0, 500)}`);
  }
}
