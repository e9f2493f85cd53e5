// Secret-looking strings, shared by `npm run check` (tracked files) and the Claude Code
// guard hook (writes). Values that say they are fake (EXAMPLE, FAKE, DUMMY, TEST,
// PLACEHOLDER) pass, so fixtures can use AWS's documented AKIAIOSFODNN7EXAMPLE; a line
// that holds the comment `secret-scan: allow` passes too, for an exception a person
// reviewed and wrote by hand (the guard refuses Claude's writes that add one).
import { createHash } from 'node:crypto';

export const SECRET_PATTERNS = [
  { kind: 'AWS access key id', regex: /\b(?:AKIA|ASIA)[0-9A-Z]{16}\b/g },
  // ini (`aws_secret_access_key = …`), env (`AWS_SECRET_ACCESS_KEY=…`) and JSON (`"SecretAccessKey": "…"`).
  { kind: 'AWS secret access key', regex: /(?:aws_secret_access_key|SecretAccessKey)["']?\s*[:=]\s*["']?[A-Za-z0-9/+=]{40}/gi },
  { kind: 'AWS session token', regex: /(?:aws_session_token|aws_security_token|SessionToken)["']?\s*[:=]\s*["']?[A-Za-z0-9/+=]{100,}/gi },
  { kind: 'Cloudflare API token', regex: /(?:CLOUDFLARE_API_TOKEN|CF_API_TOKEN|api_token)["']?\s*[:=]\s*["']?[A-Za-z0-9_-]{40}(?![A-Za-z0-9_-])/gi },
  { kind: 'Cloudflare global API key', regex: /(?:CLOUDFLARE_API_KEY|CF_API_KEY)["']?\s*[:=]\s*["']?[0-9a-f]{37}\b/gi },
  { kind: 'Wrangler OAuth token', regex: /\b(?:oauth_token|refresh_token)["']?\s*[:=]\s*["']?[A-Za-z0-9._~-]{30,}/gi },
  { kind: 'webhook signing secret (whsec_)', regex: /\bwhsec_[A-Za-z0-9+/=_-]{16,}/g },
  { kind: 'private key', regex: /-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY-----/g },
  { kind: 'Stripe live key', regex: /\b(?:sk|rk)_live_[0-9A-Za-z]{16,}/g },
  { kind: 'GitHub token', regex: /\b(?:gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{40,})/g },
  { kind: 'Slack token', regex: /\bxox[abposr]-[0-9A-Za-z-]{10,}/g },
  { kind: 'Anthropic API key', regex: /\bsk-ant-[A-Za-z0-9_-]{20,}/g },
  { kind: 'Google API key', regex: /\bAIza[0-9A-Za-z_-]{35}\b/g },
];

const FAKE_MARKER = /EXAMPLE|FAKE|DUMMY|TEST|PLACEHOLDER/i;
export const ALLOW_COMMENT = 'secret-scan: allow';

/**
 * One secret-looking string: its kind, 1-based line, first characters and SHA-256 (hex).
 * @typedef { { kind: string, line: number, preview: string, digest: string } } SecretFinding
 */

/**
 * Every secret-looking string in `text`: [{ kind, line, preview, digest }]. Never the
 * full value: `digest` (SHA-256) tells the same value apart across two versions of a file.
 * @param {string} text
 * @returns {SecretFinding[]}
 */
export function findSecrets(text) {
  /** @type {SecretFinding[]} */
  const findings = [];
  const lines = String(text).split(/\r?\n/);
  lines.forEach((lineText, index) => {
    if (lineText.includes(ALLOW_COMMENT)) return;
    for (const { kind, regex } of SECRET_PATTERNS) {
      for (const match of lineText.matchAll(regex)) {
        if (kind !== 'private key' && FAKE_MARKER.test(match[0])) continue;
        const digest = createHash('sha256').update(match[0]).digest('hex');
        findings.push({ kind, line: index + 1, preview: `${match[0].slice(0, 8)}…`, digest });
      }
    }
  });
  return findings;
}

/**
 * How many reviewed-exception markers `text` holds.
 * @param {string} text
 * @returns {number}
 */
export function countAllowComments(text) {
  return String(text).split(ALLOW_COMMENT).length - 1;
}

/**
 * Files that hold local secrets by convention and must never be tracked or read.
 * @param {string} filePath
 * @returns {boolean}
 */
export function isLocalSecretFile(filePath) {
  // split() gives at least one part, so there is a last one.
  const name = /** @type {string} */ (String(filePath).split(/[\\/]/).pop());
  if (/\.example$/.test(name)) return false;
  return /^\.env(\..+)?$/.test(name) || /^\.dev\.vars(\..+)?$/.test(name);
}

/**
 * Key material files that should never be tracked.
 * @param {string} filePath
 * @returns {boolean}
 */
export function isKeyFile(filePath) {
  return /\.(pem|key|p12|pfx)$/i.test(String(filePath));
}
