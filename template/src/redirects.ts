// Redirect rules (redirects.json): checked as a whole by checkRules (the tests run it, so
// a bad rule fails the build) and, per request, every Location is checked again before it
// is sent. A target is a path on this site or an https URL on an allowed host: never
// a value taken from the request, so the Worker cannot become an open redirect.

export const REDIRECT_STATUSES = new Set([301, 302, 307, 308]);
const PERMANENT = new Set([301, 308]);
// A path, but not "//host" or "/\host", which browsers read as another site.
const SITE_PATH = /^\/(?![/\\])[^\s\\]*$/;

/** One rule of redirects.json; checkRules still checks every field, as the file is hand-written. */
export interface RedirectRule {
  /** a plain path such as /old-page */
  source: string;
  /** a path on this site or an https URL on an allowed host */
  target: string;
  /** 301, 302, 307 or 308 */
  status: number;
  /** false drops the request's query string */
  preserveQuery?: boolean;
}
/** redirects.json */
export type RedirectRules = { rules: RedirectRule[]; allowedHosts?: string[] };

/** Every problem with the rule set, as readable sentences; an empty list means it is safe. */
export function checkRules({ rules, allowedHosts = [] }: RedirectRules): string[] {
  const problems: string[] = [];
  const sources: Map<string, number> = new Map();
  for (const [index, rule] of rules.entries()) {
    const name = `rule ${index + 1} (${rule.source})`;
    if (typeof rule.source !== 'string' || !SITE_PATH.test(rule.source) || /[?#*]/.test(rule.source)) {
      problems.push(`${name}: source must be a plain path such as /old-page`);
    }
    if (sources.has(normalisePath(rule.source))) problems.push(`${name}: source repeats rule ${(sources.get(normalisePath(rule.source)) as number) + 1}`);
    sources.set(normalisePath(rule.source), index);
    if (!REDIRECT_STATUSES.has(rule.status)) problems.push(`${name}: status must be 301, 302, 307 or 308`);
    if (!isAllowedTarget(rule.target, allowedHosts)) {
      problems.push(`${name}: target must be a path on this site or an https URL on ${allowedHosts.join(', ') || 'an allowed host'}`);
    }
  }
  for (const [index, rule] of rules.entries()) {
    const next = typeof rule.target === 'string' && SITE_PATH.test(rule.target) ? normalisePath(rule.target.split(/[?#]/)[0]) : null;
    if (next !== null && sources.has(next)) {
      const word = next === normalisePath(rule.source) ? 'loops to itself' : `chains into rule ${(sources.get(next) as number) + 1}`;
      problems.push(`rule ${index + 1} (${rule.source}): ${word}; point it at the final target`);
    }
  }
  return problems;
}

export function isAllowedTarget(target: unknown, allowedHosts: string[]): boolean {
  if (typeof target !== 'string') return false;
  if (SITE_PATH.test(target)) return true;
  try {
    const url = new URL(target);
    return url.protocol === 'https:' && url.username === '' && url.password === '' && allowedHosts.includes(url.hostname);
  } catch {
    return false;
  }
}

/** "/old/" and "/old" are the same page; "/" stays "/". */
export function normalisePath(path: string): string {
  return typeof path === 'string' && path.length > 1 ? path.replace(/\/+$/, '') || '/' : path;
}

/** A matching rule: its redirect, or why it is refused. */
export type RedirectMatch = { rule: RedirectRule; status: number; location: string; cacheControl: string; refused?: undefined } | { rule: RedirectRule; refused: 'target not allowed' | 'redirect to itself'; status?: undefined; location?: undefined; cacheControl?: undefined };

/**
 * Returns { status, location, cacheControl } for a matching rule, { refused: reason } when a
 * rule matched but its Location failed the run-time check, or null for no rule.
 */
export function findRedirect({ rules, allowedHosts = [] }: RedirectRules, requestUrl: string): RedirectMatch | null {
  const url = new URL(requestUrl);
  const rule = rules.find((candidate) => normalisePath(candidate.source) === normalisePath(url.pathname));
  if (!rule) return null;
  if (!REDIRECT_STATUSES.has(rule.status) || !isAllowedTarget(rule.target, allowedHosts)) return { rule, refused: 'target not allowed' };
  const location = new URL(rule.target, url.origin);
  if (rule.preserveQuery !== false) {
    for (const [name, value] of url.searchParams) location.searchParams.append(name, value);
  }
  if (location.href === new URL(url.pathname + url.search, url.origin).href) return { rule, refused: 'redirect to itself' };
  return {
    rule,
    status: rule.status,
    location: location.href,
    // Browsers keep permanent redirects; temporary ones must not be cached, or they stop being temporary.
    cacheControl: PERMANENT.has(rule.status) ? 'public, max-age=86400' : 'no-store',
  };
}
