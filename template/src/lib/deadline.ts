// Deadlines for calls to the idempotency store, the secret stores and the rate limiter. A call that never
// answers must not hold the invocation until the platform kills it: the caller would get
// no answer at all, and a claim left behind would block its key. Every call gets at most
// `callTimeoutMs`, and never more than what is left of the function's own time budget.

/** What a deadline-bound operation gets: `signal` aborts when the deadline passes. */
export type DeadlineOptions = { readonly signal: AbortSignal };

/** Time left for the request, and store or secret calls bound by it (createBudget, openBudget). */
export interface Budget {
  timeLeftMs: () => number;
  call: <T>(what: string, operation: (options: DeadlineOptions) => T | PromiseLike<T>) => Promise<T>;
}

export class DeadlineExceededError extends Error {
  name = 'DeadlineExceededError';
}

export function createBudget({ deadlineAt, callTimeoutMs, clock = Date.now }: {
  /** epoch ms by which the answer must be on its way */
  deadlineAt: number;
  /** the most one store or secret call may take */
  callTimeoutMs: number;
  /** epoch ms now */
  clock?: () => number;
}): Budget {
  return {
    timeLeftMs: () => deadlineAt - clock(),
    /** Runs `operation({ signal })` with a deadline; the signal aborts what supports it (AWS SDK calls). */
    call<T>(what: string, operation: (options: DeadlineOptions) => T | PromiseLike<T>): Promise<T> {
      const ms = Math.min(callTimeoutMs, deadlineAt - clock());
      return withDeadline(what, ms, operation);
    },
  };
}

/** A budget for code that has no deadline of its own (scripts, tests): calls are still capped. */
export function openBudget(callTimeoutMs: number = 5000): Budget {
  return createBudget({ deadlineAt: Number.MAX_SAFE_INTEGER, callTimeoutMs });
}

/**
 * Settles as `operation({ signal })` does, or rejects with DeadlineExceededError after `ms`
 * and aborts the signal. This runs on every store call of every request, so it makes one
 * timer and one promise, and an AbortController only for an operation that reads `signal`
 * (an in-process store never does).
 * @param what names the call in the error
 */
export async function withDeadline<T>(what: string, ms: number, operation: (options: DeadlineOptions) => T | PromiseLike<T>): Promise<T> {
  if (!(ms > 0)) throw new DeadlineExceededError(`${what}: no time left in the budget`);
  const options = new CallOptions();
  let expire: (error: DeadlineExceededError) => void;
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
  #controller: AbortController | undefined;
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
