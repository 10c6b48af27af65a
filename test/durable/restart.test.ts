import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { OrchestrationContext, Task } from 'durable-functions';
import { startAzurite, type Azurite } from '#dev/azurite.js';
import { ManualClock } from '#sluice/util/clock.js';
import { createDurableRuntime } from '#local-durable/durable-runtime.js';
import { EventType } from '#local-durable/history-event.js';
import { countEvents, gate, hostFor, startTestServer, TERMINAL, TestFunctions, uniqueHub } from './fixtures.js';

let azurite: Azurite;
before(async () => {
  azurite = await startAzurite();
});
after(async () => {
  await azurite.close();
});

test('a new runtime on the same storage resumes: finished activities are not run again', async () => {
  const runs = new Map<number, number>();
  let reports = 0;
  const blocked = gate();
  let blocking = true;
  const fns = new TestFunctions()
    .activity('Work', async (n) => {
      const i = n as number;
      runs.set(i, (runs.get(i) ?? 0) + 1);
      if (i >= 3 && blocking) await blocked.promise;
      return i * 10;
    })
    .activity('Report', (total) => {
      reports++;
      return total;
    })
    .orchestration('Batch', function* (context: OrchestrationContext) {
      const tasks: Task[] = [0, 1, 2, 3, 4].map((i) => context.df.callActivity('Work', i));
      const parts = (yield context.df.Task.all(tasks)) as number[];
      const total = parts.reduce((a, b) => a + b, 0);
      return yield context.df.callActivity('Report', total);
    });
  const hub = uniqueHub('Restart');
  const clock = new ManualClock(Date.UTC(2025, 0, 1));

  const server1 = await startTestServer();
  const first = createDurableRuntime({ connectionString: azurite.connectionString, taskHub: hub, clock });
  await first.attach(hostFor(fns, server1));
  const id = await first.startNew('Batch', 'batch-1');
  await first.waitFor(id, (_s, h) => countEvents(h, EventType.TaskCompleted) === 3, 5000);
  await first.stop();
  await server1.close();
  assert.deepEqual([...runs.entries()].sort(), [[0, 1], [1, 1], [2, 1], [3, 1], [4, 1]]);

  blocking = false;
  const server2 = await startTestServer();
  const second = createDurableRuntime({ connectionString: azurite.connectionString, taskHub: hub, clock });
  await second.attach(hostFor(fns, server2));
  try {
    const final = await second.waitFor(id, (s) => TERMINAL.has(s.runtimeStatus), 5000);
    assert.equal(final.runtimeStatus, 'Completed');
    assert.equal(final.output, 100);
    assert.deepEqual([...runs.entries()].sort(), [[0, 1], [1, 1], [2, 1], [3, 2], [4, 2]], 'only the unfinished activities ran again');
    assert.equal(reports, 1, 'the orchestration completed exactly once');
    // The first runtime's blocked calls finish now; being stopped, it must not record them.
    blocked.open();
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(countEvents(await second.getHistory(id), EventType.TaskCompleted), 6);
  } finally {
    await second.stop();
    await server2.close();
  }
});

test('a pending timer and a buffered event survive a restart', async () => {
  const fns = new TestFunctions().orchestration('Waiter', function* (context: OrchestrationContext) {
    const start = context.df.currentUtcDateTime.getTime();
    yield context.df.createTimer(new Date(start + 60_000));
    const approval = yield context.df.waitForExternalEvent('Approve');
    return { approval, waited: context.df.currentUtcDateTime.getTime() - start };
  });
  const hub = uniqueHub('Resume');
  const clock = new ManualClock(Date.UTC(2025, 0, 1));
  const server1 = await startTestServer();
  const first = createDurableRuntime({ connectionString: azurite.connectionString, taskHub: hub, clock });
  await first.attach(hostFor(fns, server1));
  const id = await first.startNew('Waiter', 'waiter-1');
  await first.waitFor(id, (_s, h) => countEvents(h, EventType.TimerCreated) === 1, 5000);
  await first.raiseEvent(id, 'Approve', { by: 'ops' });
  await first.stop();
  await server1.close();

  const server2 = await startTestServer();
  const second = createDurableRuntime({ connectionString: azurite.connectionString, taskHub: hub, clock });
  await second.attach(hostFor(fns, server2));
  try {
    clock.advance(60_000);
    const final = await second.waitFor(id, (s) => TERMINAL.has(s.runtimeStatus), 5000);
    assert.equal(final.runtimeStatus, 'Completed');
    assert.deepEqual(final.output, { approval: { by: 'ops' }, waited: 60_000 });
  } finally {
    await second.stop();
    await server2.close();
  }
});
