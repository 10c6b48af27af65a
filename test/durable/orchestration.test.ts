import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { OrchestrationContext, Task } from 'durable-functions';
import { startAzurite, type Azurite } from '#dev/azurite.js';
import { ManualClock } from '#sluice/util/clock.js';
import { createDurableRuntime, type DurableRuntime } from '#local-durable/durable-runtime.js';
import { EventType } from '#local-durable/history-event.js';
import { countEvents, durableLib as df, gate, hostFor, startTestServer, TERMINAL, TestFunctions, uniqueHub, type TestServer } from './fixtures.js';

let azurite: Azurite;
before(async () => {
  azurite = await startAzurite();
});
after(async () => {
  await azurite.close();
});

const T0 = Date.UTC(2025, 0, 1);

async function withRuntime(
  fns: TestFunctions,
  body: (runtime: DurableRuntime, clock: ManualClock) => Promise<void>,
  maxConcurrentActivities = 10,
): Promise<void> {
  const clock = new ManualClock(T0);
  const server: TestServer = await startTestServer();
  const runtime = createDurableRuntime({ connectionString: azurite.connectionString, taskHub: uniqueHub(), clock, maxConcurrentActivities });
  await runtime.attach(hostFor(fns, server));
  try {
    await body(runtime, clock);
  } finally {
    await runtime.stop();
    await server.close();
  }
}

const done = (s: { runtimeStatus: string }) => TERMINAL.has(s.runtimeStatus);

test('a sequence of activities runs in order, and customStatus shows while it runs', async () => {
  const second = gate();
  const fns = new TestFunctions()
    .activity('Hello', async (name) => {
      if (name === 'Seattle') await second.promise;
      return `Hello ${String(name)}`;
    })
    .orchestration('Sequence', function* (context: OrchestrationContext) {
      const out: unknown[] = [];
      out.push(yield context.df.callActivity('Hello', 'Tokyo'));
      context.df.setCustomStatus({ step: 1 });
      out.push(yield context.df.callActivity('Hello', 'Seattle'));
      out.push(yield context.df.callActivity('Hello', { city: 'London' }));
      return out;
    });
  await withRuntime(fns, async (runtime) => {
    const id = await runtime.startNew('Sequence', 'seq-1');
    const running = await runtime.waitFor(id, (s) => s.customStatus !== null, 5000);
    assert.equal(running.runtimeStatus, 'Running');
    assert.deepEqual(running.customStatus, { step: 1 });
    second.open();
    const final = await runtime.waitFor(id, done, 5000);
    assert.equal(final.runtimeStatus, 'Completed');
    assert.deepEqual(final.output, ['Hello Tokyo', 'Hello Seattle', 'Hello [object Object]']);
    assert.deepEqual(final.customStatus, { step: 1 });
  });
});

test('Task.all fan-out runs activities concurrently within the bound and aggregates in order', async () => {
  let active = 0;
  let peak = 0;
  const fns = new TestFunctions()
    .activity('Square', async (n) => {
      active++;
      peak = Math.max(peak, active);
      await new Promise((resolve) => setImmediate(resolve));
      active--;
      return (n as number) ** 2;
    })
    .orchestration('FanOut', function* (context: OrchestrationContext) {
      const count = context.df.getInput() as number;
      const tasks: Task[] = [];
      for (let i = 0; i < count; i++) tasks.push(context.df.callActivity('Square', i));
      const results = (yield context.df.Task.all(tasks)) as number[];
      context.df.setCustomStatus('aggregated');
      return results;
    });
  await withRuntime(
    fns,
    async (runtime) => {
      const id = await runtime.startNew('FanOut', undefined, 12);
      const final = await runtime.waitFor(id, done, 10_000);
      assert.equal(final.runtimeStatus, 'Completed');
      assert.deepEqual(final.output, Array.from({ length: 12 }, (_, i) => i * i));
      assert.equal(final.customStatus, 'aggregated');
      assert.ok(peak > 1, `activities should overlap, peak was ${peak}`);
      assert.ok(peak <= 3, `at most 3 activities at once, peak was ${peak}`);
    },
    3,
  );
});

test('timers fire on the clock in due order, not creation order', async () => {
  const fns = new TestFunctions().orchestration('Timers', function* (context: OrchestrationContext) {
    const start = context.df.currentUtcDateTime.getTime();
    let pending = [30, 10, 20].map((s) => ({ s, task: context.df.createTimer(new Date(start + s * 1000)) }));
    const order: number[] = [];
    while (pending.length > 0) {
      const winner = (yield context.df.Task.any(pending.map((p) => p.task))) as Task;
      const hit = pending.find((p) => p.task === winner)!;
      order.push(hit.s);
      pending = pending.filter((p) => p !== hit);
      context.df.setCustomStatus(order);
    }
    return { order, at: context.df.currentUtcDateTime.getTime() - start };
  });
  await withRuntime(fns, async (runtime, clock) => {
    const id = await runtime.startNew('Timers');
    await runtime.waitFor(id, (_s, h) => countEvents(h, EventType.TimerCreated) === 3, 5000);
    clock.advance(9_999);
    clock.advance(1);
    let status = await runtime.waitFor(id, (s) => Array.isArray(s.customStatus) && s.customStatus.length === 1, 5000);
    assert.deepEqual(status.customStatus, [10]);
    assert.equal(status.runtimeStatus, 'Running');
    clock.advance(10_000);
    status = await runtime.waitFor(id, (s) => Array.isArray(s.customStatus) && s.customStatus.length === 2, 5000);
    assert.deepEqual(status.customStatus, [10, 20]);
    clock.advance(10_000);
    status = await runtime.waitFor(id, done, 5000);
    assert.deepEqual(status.output, { order: [10, 20, 30], at: 30_000 });
  });
});

test('after a long pause, overdue timers all fire at once in schedule order', async () => {
  const fns = new TestFunctions().orchestration('CatchUp', function* (context: OrchestrationContext) {
    const start = context.df.currentUtcDateTime.getTime();
    // A fan of timers created out of order, then a chain on a fixed schedule.
    yield context.df.Task.all([5, 1, 4, 2, 3].map((s) => context.df.createTimer(new Date(start + s * 1000))));
    const chain: number[] = [];
    for (let k = 6; k <= 8; k++) {
      yield context.df.createTimer(new Date(start + k * 1000));
      chain.push(context.df.currentUtcDateTime.getTime() - start);
    }
    return chain;
  });
  await withRuntime(fns, async (runtime, clock) => {
    const id = await runtime.startNew('CatchUp');
    await runtime.waitFor(id, (_s, h) => countEvents(h, EventType.TimerCreated) === 5, 5000);
    clock.advance(60_000);
    const final = await runtime.waitFor(id, done, 5000);
    assert.equal(final.runtimeStatus, 'Completed');
    assert.deepEqual(final.output, [60_000, 60_000, 60_000], 'chained overdue timers fire without further clock movement');
    const history = await runtime.getHistory(id);
    const fired = history.filter((e) => e.EventType === EventType.TimerFired).map((e) => Date.parse(e.FireAt!) - T0);
    assert.deepEqual(fired, [1000, 2000, 3000, 4000, 5000, 6000, 7000, 8000]);
  });
});

test('continueAsNew keeps the history short over 100 iterations', async () => {
  let ticks = 0;
  const fns = new TestFunctions()
    .activity('Tick', (n) => {
      ticks++;
      return n;
    })
    .orchestration('Counter', function* (context: OrchestrationContext) {
      const n = context.df.getInput() as number;
      if (n >= 100) return n;
      yield context.df.callActivity('Tick', n);
      context.df.continueAsNew(n + 1);
      return undefined;
    });
  await withRuntime(fns, async (runtime) => {
    const id = await runtime.startNew('Counter', 'counter', 0);
    let longest = 0;
    const final = await runtime.waitFor(
      id,
      (s, history) => {
        longest = Math.max(longest, history.length);
        return done(s);
      },
      30_000,
    );
    assert.equal(final.runtimeStatus, 'Completed');
    assert.equal(final.output, 100);
    assert.equal(ticks, 100);
    assert.ok(longest > 0 && longest <= 10, `history stayed at ${longest} events or fewer`);
    assert.ok((await runtime.historyLength(id)) <= 10);
  });
});

/** Moves the clock to each retry timer as it is created, until the instance ends. */
async function driveTimers(runtime: DurableRuntime, id: string, clock: ManualClock): Promise<void> {
  for (let step = 0; step < 20; step++) {
    const status = await runtime.waitFor(id, (s, h) => done(s) || countEvents(h, EventType.TimerCreated) > countEvents(h, EventType.TimerFired), 5000);
    if (done(status)) return;
    const history = await runtime.getHistory(id);
    const fired = countEvents(history, EventType.TimerFired);
    const open = history.filter((e) => e.EventType === EventType.TimerCreated && !history.some((f) => f.EventType === EventType.TimerFired && f.TimerId === e.EventId));
    clock.set(Math.max(clock.now(), ...open.map((e) => Date.parse(e.FireAt!))));
    await runtime.waitFor(id, (s, h) => done(s) || countEvents(h, EventType.TimerFired) > fired, 5000);
  }
  throw new Error('instance did not finish within 20 timer steps');
}

test('callActivityWithRetry retries on the clock with backoff and then succeeds', async () => {
  const attempts: number[] = [];
  const fns = new TestFunctions()
    .activity('Flaky', (input) => {
      attempts.push(attempts.length + 1);
      if (attempts.length < 3) throw new Error(`flaky failure ${attempts.length}`);
      return `ok ${String(input)}`;
    })
    .orchestration('Retrying', function* (context: OrchestrationContext) {
      const options = new df.RetryOptions(1000, 3);
      options.backoffCoefficient = 2;
      return yield context.df.callActivityWithRetry('Flaky', options, 'x');
    });
  await withRuntime(fns, async (runtime, clock) => {
    const id = await runtime.startNew('Retrying');
    await driveTimers(runtime, id, clock);
    const final = await runtime.waitFor(id, done, 5000);
    assert.equal(final.runtimeStatus, 'Completed');
    assert.equal(final.output, 'ok x');
    assert.deepEqual(attempts, [1, 2, 3]);
    const history = await runtime.getHistory(id);
    const delays = history
      .filter((e) => e.EventType === EventType.TimerCreated)
      .map((e) => Date.parse(e.FireAt!) - Date.parse(e.Timestamp));
    assert.deepEqual(delays, [1000, 2000], 'first interval, then doubled');
  });
});

test('exhausted retries fail the orchestration, or reach its catch block', async () => {
  let calls = 0;
  const fns = new TestFunctions()
    .activity('Broken', () => {
      calls++;
      throw new Error('always broken');
    })
    .orchestration('Uncaught', function* (context: OrchestrationContext) {
      return yield context.df.callActivityWithRetry('Broken', new df.RetryOptions(500, 2), null);
    })
    .orchestration('Caught', function* (context: OrchestrationContext) {
      try {
        yield context.df.callActivityWithRetry('Broken', new df.RetryOptions(500, 2), null);
        return 'unreachable';
      } catch (error) {
        return `caught: ${(error as Error).message}`;
      }
    });
  await withRuntime(fns, async (runtime, clock) => {
    const failing = await runtime.startNew('Uncaught');
    await driveTimers(runtime, failing, clock);
    const failed = await runtime.waitFor(failing, done, 5000);
    assert.equal(failed.runtimeStatus, 'Failed');
    assert.match(String(failed.output), /Orchestrator function 'Uncaught' failed: .*always broken/);
    assert.equal(calls, 2);

    const catching = await runtime.startNew('Caught');
    await driveTimers(runtime, catching, clock);
    const caught = await runtime.waitFor(catching, done, 5000);
    assert.equal(caught.runtimeStatus, 'Completed');
    assert.match(String(caught.output), /^caught: .*always broken/);
    assert.equal(calls, 4);
  });
});
