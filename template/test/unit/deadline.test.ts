// withDeadline guards every store, secret and rate-limiter call. The signal it hands over
// is made only when an operation reads it, so these tests read it early, late and never.
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { it } from 'node:test';
import { DeadlineExceededError, createBudget, withDeadline, type DeadlineOptions } from '../../src/lib/deadline.ts';

const never = () => new Promise(() => {});

it('rejects a call that never answers after its time, and aborts the signal it read', async () => {
  let signal: AbortSignal | undefined;
  const started = Date.now();
  await assert.rejects(
    withDeadline('store claim', 30, (options) => {
      signal = options.signal;
      return never();
    }),
    (error) => error instanceof DeadlineExceededError && /store claim did not answer within 30 ms/.test(error.message),
  );
  assert.ok(Date.now() - started >= 25);
  assert.equal((signal as AbortSignal).aborted, true);
});

it('hands an already aborted signal to an operation that reads it only after the deadline', async () => {
  let options: DeadlineOptions | undefined;
  await assert.rejects(
    withDeadline('late reader', 10, (given) => {
      options = given;
      return never();
    }),
    DeadlineExceededError,
  );
  assert.equal((options as DeadlineOptions).signal.aborted, true);
});

it('returns what the operation returns, sync or async, and never aborts its signal', async () => {
  let signal: AbortSignal | undefined;
  assert.equal(await withDeadline('quick', 20, (options) => ((signal = options.signal), Promise.resolve('answer'))), 'answer');
  assert.equal(await withDeadline('sync', 20, () => 42), 42);
  await sleep(40);
  assert.equal((signal as AbortSignal).aborted, false);
});

it('passes on the error of an operation that throws, before or after it returns a promise', async () => {
  const thrown = new RangeError('throttled');
  await assert.rejects(withDeadline('sync throw', 50, () => { throw thrown; }), (error) => error === thrown);
  await assert.rejects(withDeadline('async throw', 50, async () => { throw thrown; }), (error) => error === thrown);
});

it('refuses to start a call when the budget has no time left', async () => {
  let started = false;
  const budget = createBudget({ deadlineAt: Date.now() - 1, callTimeoutMs: 1000 });
  await assert.rejects(budget.call('claim', () => (started = true)), /no time left/);
  assert.equal(started, false);
});
