// Per-caller rate limit with Cloudflare's Rate Limiting binding ("ratelimits" in
// wrangler.jsonc). A caller is the API key it authenticated with, else its IP address:
// a key used from many machines is still one caller, and requests without a valid key
// (a public endpoint's, a webhook provider's, a key guesser's) count per address, so
// guessing keys spends the guesser's own budget. Cloudflare counts per location and
// approximately: this stops floods, it is not a quota to bill by.
import { withDeadline, type Budget } from './deadline.ts';
import { errorResponse, type HttpRequest, type HttpResponse } from './http.ts';
import { describeError, type Logger } from './logger.ts';

// The binding answers from the same machine; a limiter that does not answer within this
// must not hold the request.
const LIMITER_TIMEOUT_MS = 1000;

/** counts by the caller, else the address */
export type LimitCaller = (request: Pick<HttpRequest, 'headers' | 'caller'>, context: { log: Logger }) => Promise<HttpResponse | null>;
/** a step before routing that may refuse (api.ts Authenticate has this shape) */
export type Admission = (request: HttpRequest, context: { log: Logger; budget: Budget }) => Promise<HttpResponse | null>;

/**
 * @returns a 429 problem detail, or null to go on
 */
export function createRateLimit({ limiter, periodSeconds }: {
  /** the RATE_LIMITER binding (its `limit` method) */
  limiter: RateLimit;
  /** its period: the binding does not say when a window ends, so a refused caller waits one whole period */
  periodSeconds: number;
}): LimitCaller {
  return async function limitCaller(request, { log }) {
    const { key, countedBy } = limitKeyOf(request);
    let outcome: RateLimitOutcome | undefined;
    try {
      outcome = await withDeadline('rate limiter', LIMITER_TIMEOUT_MS, () => limiter.limit({ key }));
    } catch (error) {
      // Fail open: an outage of the limiter must not become an outage of the API. Side
      // effects stay guarded by idempotency; the log line makes the gap visible.
      log.error('rate limiter unavailable; request let through', { error: describeError(error) });
      return null;
    }
    if (outcome?.success !== false) return null;
    log.warn('request refused: rate limit exceeded', { countedBy, periodSeconds });
    return errorResponse(429, 'rate_limited', `Too many requests from this caller; retry in ${periodSeconds} seconds.`, {}, {
      'retry-after': String(periodSeconds),
    });
  };
}

/**
 * `authenticate` followed by the rate limit, as one step of the pipeline (api.ts): the limit
 * needs the caller that authentication names, and a refused request is counted too (by its
 * address), so it can answer 429 instead of 401 once a guesser is over the limit.
 */
export function withRateLimit(authenticate: Admission | undefined, limitCaller: LimitCaller): Admission {
  return async function admit(request, context) {
    const refusal = authenticate ? await authenticate(request, context) : null;
    return (await limitCaller(request, context)) ?? refusal;
  };
}

function limitKeyOf(request: Pick<HttpRequest, 'headers' | 'caller'>): { key: string; countedBy: string } {
  const caller = request.caller ?? '';
  if (caller.startsWith('api-key:')) return { key: caller, countedBy: 'api key' };
  return { key: `ip:${addressOf(request.headers['cf-connecting-ip'])}`, countedBy: 'address' };
}

// Cloudflare's edge sets cf-connecting-ip on every request from the internet and replaces
// whatever the client sent. Requests without it (a service binding, `wrangler dev`) share one count.
function addressOf(header: string | undefined) {
  const address = typeof header === 'string' ? header.trim().toLowerCase().slice(0, 64) : '';
  if (address === '') return 'unknown';
  return address.includes(':') ? ipv6Prefix(address) : address;
}

// One IPv6 subscriber is given a whole /64, so counting single addresses would let a caller
// rotate through billions of them: the first four groups are the caller.
function ipv6Prefix(address: string) {
  const [head, tail] = address.split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const groups = tail === undefined ? left : [...left, ...Array(Math.max(0, 8 - left.length - right.length)).fill('0'), ...right];
  return `${groups.slice(0, 4).map((group) => group.replace(/^0+(?=.)/, '')).join(':')}::/64`;
}
