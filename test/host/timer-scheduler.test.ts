import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { InvocationAttempt, InvokeDetailed } from '#local-host/invoke.js';
import { startLocalHost, type LocalHost } from '#local-host/local-host.js';
import { invokeWithRetry, retryPolicyOf } from '#local-host/retry-policy.js';
import { parseTimerSchedule } from '#local-host/timer-schedule.js';
import { startTimerScheduler } from '#local-host/timer-scheduler.js';
import { ManualClock, type Clock } from '#sluice/util/clock.js';
import { calls, callsOf } from '../fixtures/host-app/recorder.js';
import { FIXTURE_APP_DIR, logCollector, NO_EVENT_HUBS } from './host-test-support.js';
import { waitUntil } from '../support/wait.js';

interface TimerSeen {
  isPastDue: boolean;
  schedule: { adjustForDST: boolean };
  scheduleStatus: { last: string; next: string; lastUpdated: string };
}

const at = (seconds: number): string => new Date(seconds * 1000).toISOString();

describe('timer schedules', () => {
  test('6-field NCRONTAB with seconds, and TimeSpan intervals', () => {
    const cron = parseTimerSchedule('*/10 * * * * *');
    assert.equal(cron.nextAfter(0), 10_000);
    assert.equal(cron.nextAfter(10_000), 20_000);
    assert.equal(parseTimerSchedule('0 30 9 * * 1-5').nextAfter(Date.UTC(2024, 0, 6)), Date.UTC(2024, 0, 8, 9, 30));
    assert.equal(parseTimerSchedule('00:05:00').nextAfter(1000), 301_000);
    assert.throws(() => parseTimerSchedule('*/5 * * * *'), /has 5 fields; Azure Functions uses 6-field NCRONTAB/);
    assert.throws(() => parseTimerSchedule('x y z a b c'));
  });
});

describe('timer scheduler', () => {
  test('a clock that wakes early (setTimeout overflow on far due times) never fires a timer early', async () => {
    let wakeups = 0;
    const early: Clock = {
      now: () => 0,
      // Wakes at once 200 times, as setTimeout does past 2^31 ms, then sleeps until aborted.
      sleepUntil: (_time, signal) => new Promise((resolve) => {
        if (++wakeups <= 200) setImmediate(resolve);
        else signal?.addEventListener('abort', () => resolve(), { once: true });
      }),
    };
    let invocations = 0;
    const scheduler = startTimerScheduler({
      functions: [{ name: 'yearly', metadata: { name: 'yearly', bindings: {} }, trigger: { type: 'timerTrigger', name: 't', schedule: '0 0 0 1 1 *' } }],
      invokeDetailed: async () => {
        invocations++;
        return { returnValue: undefined, response: {} };
      },
      clock: early,
    });
    await waitUntil(() => wakeups > 200, 'the early wake-ups');
    await scheduler.stop();
    assert.equal(invocations, 0);
  });
});

describe('retry policies', () => {
  test('fixedDelay retries on the injected clock with the retry context, then gives up', async () => {
    const clock = new ManualClock(0);
    const attempts: (InvocationAttempt | undefined)[] = [];
    const failing: InvokeDetailed = async (_name, _input, attempt) => {
      attempts.push(attempt);
      throw new Error(`attempt ${attempts.length}`);
    };
    const policy = retryPolicyOf({ name: 'f', bindings: {}, retryOptions: { retryStrategy: 'fixedDelay', maxRetryCount: 2, delayInterval: { seconds: 5 } } });
    const run = invokeWithRetry(failing, 'f', { triggerValue: 1 }, policy, clock);
    const outcome = run.then(() => 'resolved', (e: Error) => e.message);
    await waitUntil(() => clock.waiting === 1, 'first retry delay');
    assert.equal(attempts.length, 1);
    clock.advance(4_999);
    assert.equal(clock.waiting, 1);
    clock.advance(1);
    await waitUntil(() => attempts.length === 2 && clock.waiting === 1, 'second retry delay');
    clock.advance(5_000);
    assert.equal(await outcome, 'attempt 3');
    assert.deepEqual(attempts.map((a) => a?.retryCount), [0, 1, 2]);
    assert.equal((attempts[2]?.lastError as Error).message, 'attempt 2');
  });

  test('exponentialBackoff doubles from the minimum up to the maximum', () => {
    const policy = retryPolicyOf({
      name: 'f', bindings: {},
      retryOptions: { retryStrategy: 'exponentialBackoff', maxRetryCount: -1, minimumInterval: { seconds: 1 }, maximumInterval: { seconds: 5 } },
    });
    assert.deepEqual([1, 2, 3, 4].map((n) => policy?.delayMs(n)), [1000, 2000, 4000, 5000]);
  });
});

describe('timer triggers on a ManualClock', () => {
  const clock = new ManualClock(0);
  let host: LocalHost;
  // tickA, tickB and onStartup each park one sleeper between firings.
  const parked = (): boolean => clock.waiting === 3;

  before(async () => {
    host = await startLocalHost({
      appDir: FIXTURE_APP_DIR, env: { ...NO_EVENT_HUBS, HUB_NAME: 'unused' }, port: 0, clock, log: logCollector().log,
    });
    await waitUntil(parked, 'timer loops to park');
  });
  after(() => host.stop());

  test('runOnStartup fires once at start', () => {
    const startup = callsOf('onStartup');
    assert.equal(startup.length, 1);
    const timer = startup[0]?.input as TimerSeen;
    assert.equal(timer.isPastDue, false);
    assert.equal(timer.scheduleStatus.next, at(365 * 24 * 3600));
  });

  test('timers fire in schedule order with the worker-shaped payload', async () => {
    const before = calls.length;
    for (let second = 1; second <= 50; second++) {
      clock.advance(1000);
      await waitUntil(parked, `timers to park again at ${second}s`);
    }
    const fired = calls.slice(before).map((c) => ({ fn: c.functionName, timer: c.input as TimerSeen }));
    assert.deepEqual(fired.map((f) => f.fn), ['tickB', 'tickA', 'tickA', 'tickB', 'tickA', 'tickA', 'tickB', 'tickA']);
    const firstA = fired[1]?.timer;
    assert.deepEqual(firstA, {
      isPastDue: false,
      schedule: { adjustForDST: true },
      scheduleStatus: { last: '0001-01-01T00:00:00', next: at(20), lastUpdated: '0001-01-01T00:00:00' },
    });
    assert.deepEqual(fired[2]?.timer.scheduleStatus, { last: at(10), next: at(30), lastUpdated: at(10) });
    assert.ok(fired.every((f) => !f.timer.isPastDue));
  });

  test('after a jump past several occurrences each timer fires once, past due', async () => {
    const before = calls.length;
    clock.advance(60_000); // from 50 s to 110 s
    await waitUntil(() => calls.length - before === 2 && parked(), 'one past-due firing per timer');
    const fired = calls.slice(before).map((c) => ({ fn: c.functionName, timer: c.input as TimerSeen }));
    assert.deepEqual(fired.map((f) => f.fn), ['tickA', 'tickB']);
    assert.ok(fired.every((f) => f.timer.isPastDue));
    assert.equal(fired[0]?.timer.scheduleStatus.next, at(120));
  });
});
