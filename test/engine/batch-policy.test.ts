import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RestError } from '@azure/storage-blob';
import { backoffMs, cleanupDue, decideAfterFailure, type BatchPolicySettings, type RetryState } from '#sluice/scheduler/batch-policy.js';
import { classified, classifyFailure } from '#sluice/scheduler/failure-class.js';

const policy: BatchPolicySettings = { permanentRetries: 2, baseDelayMs: 1000, maxDelayMs: 8000, transientLimitMs: Number.POSITIVE_INFINITY, onBatchFailure: 'stop', cleanupEvery: 10 };
const transient = { transient: true, error: 'service unavailable' };
const permanent = { transient: false, error: 'a pipeline function threw' };

test('storage and network failures are transient; everything else is permanent', () => {
  for (const status of [408, 429, 500, 502, 503, 504]) assert.equal(classifyFailure(new RestError('x', { statusCode: status })), 'transient', `status ${status}`);
  for (const status of [400, 403, 404, 409, 412, 501, 505]) assert.equal(classifyFailure(new RestError('x', { statusCode: status })), 'permanent', `status ${status}`);
  assert.equal(classifyFailure(new RestError('socket hang up', { code: 'REQUEST_SEND_ERROR' })), 'transient');
  for (const code of ['ECONNRESET', 'ECONNREFUSED', 'ETIMEDOUT', 'EPIPE', 'UND_ERR_SOCKET']) assert.equal(classifyFailure(Object.assign(new Error(code), { code })), 'transient', code);
  assert.equal(classifyFailure(Object.assign(new Error('amqp'), { retryable: true })), 'transient', "Event Hubs' MessagingError.retryable");
  assert.equal(classifyFailure(new Error('wrapped', { cause: new RestError('busy', { statusCode: 503 }) })), 'transient', 'a cause is followed');
  assert.equal(classifyFailure(Object.assign(new Error('t'), { name: 'AbortError' })), 'transient');
  assert.equal(classifyFailure(new TypeError("Cannot read properties of undefined (reading 'page')")), 'permanent');
  assert.equal(classifyFailure(new AggregateError([new RestError('a', { statusCode: 503 }), new Error('bug')])), 'permanent', 'one permanent part makes it permanent');
  assert.equal(classifyFailure('a string'), 'permanent');
  assert.deepEqual(classified(new RestError('The server is busy.', { statusCode: 503, code: 'ServerBusy' })), { transient: true, error: 'The server is busy. (status 503, ServerBusy)' });
});

test('backoff doubles from the base delay and is capped', () => {
  assert.deepEqual([1, 2, 3, 4, 5, 6, 60].map((a) => backoffMs(policy, a)), [1000, 2000, 4000, 8000, 8000, 8000, 8000]);
  assert.equal(backoffMs({ baseDelayMs: 1000, maxDelayMs: 300_000 }, 10_000), 300_000, 'no overflow after very many attempts');
});

test('transient failures are retried without a count; permanent ones SLUICE_ACTIVITY_RETRIES times', () => {
  let state: RetryState | undefined;
  let now = 50_000;
  for (let i = 1; i <= 100; i++) {
    const d = decideAfterFailure(policy, state, 1000, transient, now);
    assert.equal(d.kind, 'retry', `transient attempt ${i} is retried`);
    if (d.kind !== 'retry') return;
    assert.equal(d.state.attempt, i);
    assert.equal(d.state.since, 50_000, 'since is the first failure');
    assert.equal(d.state.nextAt, now + Math.min(8000, 1000 * 2 ** (i - 1)));
    state = d.state;
    now = d.state.nextAt;
  }
  const p1 = decideAfterFailure(policy, state, 1000, permanent, now);
  assert.equal(p1.kind, 'retry');
  const p2 = decideAfterFailure(policy, p1.kind === 'retry' ? p1.state : undefined, 1000, permanent, now);
  assert.equal(p2.kind, 'retry');
  const p3 = decideAfterFailure(policy, p2.kind === 'retry' ? p2.state : undefined, 1000, permanent, now);
  assert.equal(p3.kind, 'give-up', 'the third permanent failure exceeds 2 retries');
  assert.ok(p3.kind === 'give-up' && p3.attempts === 103 && !p3.skip && /3 times with a permanent error: a pipeline function threw/.test(p3.reason));
});

test('the transient bound turns a long outage into a failure, which then follows SLUICE_ON_BATCH_FAILURE', () => {
  const bounded = { ...policy, transientLimitMs: 60_000, onBatchFailure: 'skip' as const };
  const first = decideAfterFailure(bounded, undefined, 1000, transient, 0);
  assert.equal(first.kind, 'retry');
  const before = decideAfterFailure(bounded, first.kind === 'retry' ? first.state : undefined, 1000, transient, 59_999);
  assert.equal(before.kind, 'retry');
  const after = decideAfterFailure(bounded, before.kind === 'retry' ? before.state : undefined, 1000, transient, 60_000);
  assert.ok(after.kind === 'give-up' && after.skip && /SLUICE_TRANSIENT_RETRY_LIMIT/.test(after.reason));
});

test("a retry state of another batch is not carried over, and cleanup runs every cleanupEvery batches", () => {
  const d = decideAfterFailure(policy, { batchTime: 1000, attempt: 7, permanentFailures: 2, since: 1, nextAt: 2, lastError: 'x', lastTransient: true }, 2000, permanent, 10);
  assert.ok(d.kind === 'retry' && d.state.attempt === 1 && d.state.permanentFailures === 1 && d.state.since === 10);
  assert.deepEqual([0, 1, 9, 10, 11, 20].map((n) => cleanupDue(policy, n)), [false, false, false, true, false, true]);
});
