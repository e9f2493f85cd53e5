// Deadlines for calls to the idempotency store, the secret stores and the rate limiter. A call that never
// answers must not hold the invocation until the platform kills it: the caller would get
// no answer at all, and a claim left behind would block its key. Every call gets at most
// `callTimeoutMs`, and never more than what is left of the function's own time budget.

/**
 * What a deadline-bound operation gets: `signal` aborts when the deadline passes.
 * @typedef { { readonly signal: AbortSignal } } DeadlineOptions
 */

/**
 * Time left for the request, and store or secret calls bound by it (createBudget, openBudget).
 * @typedef {object} Budget
 * @property {() => number} timeLeftMs
 * @property {<T>(what: string, operation: (options: DeadlineOptions) => T | PromiseLike<T>) => Promise<T>} call
 */

export class DeadlineExceededError extends Error {
  name = 'DeadlineExceededError';
}

/**
 * @param {object} options
 * @param {number} options.deadlineAt      epoch ms by which the answer must be on its way
 * @param {number} options.callTimeoutMs   the most one store or secret call may take
 * @param {() => number} [options.clock]    epoch ms now
 * @returns {Budget}
 */
export function createBudget({ deadlineAt, callTimeoutMs, clock = Date.now }) {
  return {
    timeLeftMs: () => deadlineAt - clock(),
    /**
     * Runs `operation({ signal })` with a deadline; the signal aborts what supports it (AWS SDK calls).
     * @template T
     * @param {string} what
     * @param {(options: DeadlineOptions) => T | PromiseLike<T>} operation
     * @returns {Promise<T>}
     */
    call(what, operation) {
      const ms = Math.min(callTimeoutMs, deadlineAt - clock());
      return withDeadline(what, ms, operation);
    },
  };
}

/**
 * A budget for code that has no deadline of its own (scripts, tests): calls are still capped.
 * @param {number} [callTimeoutMs]
 * @returns {Budget}
 */
export function openBudget(callTimeoutMs = 5000) {
  return createBudget({ deadlineAt: Number.MAX_SAFE_INTEGER, callTimeoutMs });
}

/**
 * Settles as `operation({ signal })` does, or rejects with DeadlineExceededError after `ms`
 * and aborts the signal. This runs on every store call of every request, so it makes one
 * timer and one promise, and an AbortController only for an operation that reads `signal`
 * (an in-process store never does).
 * @template T
 * @param {string} what             names the call in the error
 * @param {number} ms
 * @param {(options: DeadlineOptions) => T | PromiseLike<T>} operation
 * @returns {Promise<T>}
 */
export async function withDeadline(what, ms, operation) {
  if (!(ms > 0)) throw new DeadlineExceededError(`${what}: no time left in the budget`);
  const options = new CallOptions();
  /** @type {(error: DeadlineExceededError) => void} */
  let expire;
  const timer = setTimeout(() => {
    options.abort();
    expire(new DeadlineExceededError(`${what} did not answer within ${Math.round(ms)} ms`));
  }, ms);
  try {
    return await new Promise((resolve, reject) => {
      expire = reject;
      Promise.resolve(operation(options)).then(resolve, reject);
    });
  } finally {
    clearTimeout(timer);
  }
}

/** What withDeadline hands the operation: `signal` is made when first read. */
class CallOptions {
  /** @type {AbortController | undefined} */
  #controller;
  #aborted = false;

  get signal() {
    this.#controller ??= new AbortController();
    if (this.#aborted) this.#controller.abort();
    return this.#controller.signal;
  }

  abort() {
    this.#aborted = true;
    this.#controller?.abort();
  }
}
