import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { InvocationAttempt, InvokeDetailed } from '#local-host/invoke.js';
import { invokeWithRetry, retryPolicyOf } from '#local-host/retry-policy.js';
import { ManualClock } from '#sluice/util/clock.js';
import { waitUntil } from '../support/wait.js';

test('maxRetryCount -1 retries past any count until the invocation succeeds, as the host does for Event Hubs', async () => {
  const clock = new ManualClock(0);
  const attempts: (InvocationAttempt | undefined)[] = [];
  const FAILURES = 12; // more than any finite default
  const flaky: InvokeDetailed = async (_name, _input, attempt) => {
    attempts.push(attempt);
    if (attempts.length <= FAILURES) throw new Error(`storage down (attempt ${attempts.length})`);
    return { returnValue: 'stored', response: {} as never };
  };
  const policy = retryPolicyOf({ name: 'sluiceReceiver', bindings: {}, retryOptions: { retryStrategy: 'exponentialBackoff', maxRetryCount: -1, minimumInterval: { seconds: 1 }, maximumInterval: { seconds: 60 } } });
  const run = invokeWithRetry(flaky, 'sluiceReceiver', { triggerValue: [] }, policy, clock);
  for (let n = 1; n <= FAILURES; n++) {
    await waitUntil(() => attempts.length === n && clock.waiting === 1, `retry delay ${n}`);
    clock.advance(Math.min(60_000, 1000 * 2 ** (n - 1)));
  }
  assert.equal((await run).returnValue, 'stored');
  assert.equal(attempts.length, FAILURES + 1);
  assert.deepEqual(attempts.at(-1), { retryCount: FAILURES, maxRetryCount: -1, lastError: attempts.at(-1)?.lastError });
  assert.match(String(attempts.at(-1)?.lastError), /attempt 12/);
});
