// Comparisons of secrets (signatures, API key digests) that take the same time whatever
// the input: an early exit would tell an attacker how much of a forgery was right.

/**
 * Compares every byte whatever the first difference; lengths are public, so they may differ early.
 * @param {Uint8Array} a
 * @param {Uint8Array} b
 * @returns {boolean}
 */
export function constantTimeEqual(a, b) {
  if (a.length !== b.length) return false;
  let difference = 0;
  for (let i = 0; i < a.length; i += 1) difference |= a[i] ^ b[i];
  return difference === 0;
}

/**
 * True when any candidate equals `expected`; every candidate is compared, so the time does not say which.
 * @param {Uint8Array} expected
 * @param {Iterable<Uint8Array>} candidates
 * @returns {boolean}
 */
export function matchesAny(expected, candidates) {
  let matched = false;
  for (const candidate of candidates) matched = constantTimeEqual(expected, candidate) || matched;
  return matched;
}
