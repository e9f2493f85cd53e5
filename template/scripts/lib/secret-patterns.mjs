// Secret-looking strings, shared by `npm run check` (tracked files) and the Claude Code
// guard hook (writes). Values that say they are fake (EXAMPLE, FAKE, DUMMY, TEST,
// PLACEHOLDER) pass, so fixtures can use AWS's documented AKIAIOSFODNN7EXAMPLE; a line
// that ends in the comment `secret-scan: allow` passes too, for a reviewed exception.

export const SECRET_PATTERNS = [
  { kind: 'AWS access key id', regex: /\b(?:AKIA|ASIA)[0-9A-Z]{16}\b/g },
  { kind: 'AWS secret access key', regex: /aws_secret_access_key["']?\s*[:=]\s*["']?[A-Za-z0-9/+=]{40}/gi },
  { kind: 'webhook signing secret (whsec_)', regex: /\bwhsec_[A-Za-z0-9+/=_-]{16,}/g },
  { kind: 'private key', regex: /-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY-----/g },
  { kind: 'Stripe live key', regex: /\b(?:sk|rk)_live_[0-9A-Za-z]{16,}/g },
  { kind: 'GitHub token', regex: /\b(?:gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{40,})/g },
  { kind: 'Slack token', regex: /\bxox[abposr]-[0-9A-Za-z-]{10,}/g },
  { kind: 'Anthropic API key', regex: /\bsk-ant-[A-Za-z0-9_-]{20,}/g },
  { kind: 'Google API key', regex: /\bAIza[0-9A-Za-z_-]{35}\b/g },
];

const FAKE_MARKER = /EXAMPLE|FAKE|DUMMY|TEST|PLACEHOLDER/i;
const ALLOW_COMMENT = 'secret-scan: allow';

/** Every secret-looking string in `text`: [{ kind, line, preview }]; never the full value. */
export function findSecrets(text) {
  const findings = [];
  const lines = String(text).split(/\r?\n/);
  lines.forEach((lineText, index) => {
    if (lineText.includes(ALLOW_COMMENT)) return;
    for (const { kind, regex } of SECRET_PATTERNS) {
      for (const match of lineText.matchAll(regex)) {
        if (kind !== 'private key' && FAKE_MARKER.test(match[0])) continue;
        findings.push({ kind, line: index + 1, preview: `${match[0].slice(0, 8)}…` });
      }
    }
  });
  return findings;
}

/** Files that hold local secrets by convention and must never be tracked or read. */
export function isLocalSecretFile(filePath) {
  const name = String(filePath).split(/[\\/]/).pop();
  if (/\.example$/.test(name)) return false;
  return /^\.env(\..+)?$/.test(name) || /^\.dev\.vars(\..+)?$/.test(name);
}

/** Key material files that should never be tracked. */
export function isKeyFile(filePath) {
  return /\.(pem|key|p12|pfx)$/i.test(String(filePath));
}
