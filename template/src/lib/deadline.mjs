// Deadlines for calls to the idempotency store, the secret stores and the rate limiter. A call that never
// answers must not hold the invocation until the platform kills it: the caller would get
// no answer at all, and a claim left behind would block its key. Every call gets at most
// `callTimeoutMs`, and never more than what is left of the function's own time budget.

export class DeadlineExceededError extends Error {
  name = 'DeadlineExceededError';
}

/**
 * @param {object} options
 * @param {number} options.deadlineAt      epoch ms by which the answer must be on its way
 * @param {number} options.callTimeoutMs   the most one store or secret call may take
 */
export function createBudget({ deadlineAt, callTimeoutMs, clock = Date.now }) {
  return {
    timeLeftMs: () => deadlineAt - clock(),
    /** Runs `operation(signal)` with a deadline; the signal aborts what supports it (AWS SDK calls). */
    call(what, operation) {
      const ms = Math.min(callTimeoutMs, deadlineAt - clock());
      return withDeadline(what, ms, operation);
    },
  };
}

/** A budget for code that has no deadline of its own (scripts, tests): calls are still capped. */
export function openBudget(callTimeoutMs = 5000) {
  return createBudget({ deadlineAt: Number.MAX_SAFE_INTEGER, callTimeoutMs });
}

export async function withDeadline(what, ms, operation) {
  if (!(ms > 0)) throw new DeadlineExceededError(`${what}: no time left in the budget`);
  const controller = new AbortController();
  let timer;
  const expired = new Promise((resolve, reject) => {
    timer = setTimeout(() => {
      reject(new DeadlineExceededError(`${what} did not answer within ${Math.round(ms)} ms`));
      controller.abort();
    }, ms);
  });
  try {
    return await Promise.race([operation(controller.signal), expired]);
  } finally {
    clearTimeout(timer);
  }
}
