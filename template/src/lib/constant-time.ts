// Comparisons of secrets (signatures, API key digests) that take the same time whatever
// the input: an early exit would tell an attacker how much of a forgery was right.

/** Compares every byte whatever the first difference; lengths are public, so they may differ early. */
export function constantTimeEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let difference = 0;
  for (let i = 0; i < a.length; i += 1) difference |= a[i] ^ b[i];
  return difference === 0;
}

/** True when any candidate equals `expected`; every candidate is compared, so the time does not say which. */
export function matchesAny(expected: Uint8Array, candidates: Iterable<Uint8Array>): boolean {
  let matched = false;
  for (const candidate of candidates) matched = constantTimeEqual(expected, candidate) || matched;
  return matched;
}
