import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { OrchestrationContext } from 'durable-functions';
import { startAzurite, type Azurite } from '#dev/azurite.js';
import { createDurableRuntime } from '#local-durable/durable-runtime.js';
import { ManualClock } from '#sluice/util/clock.js';
import { FaultProxy } from '../support/fault-proxy.js';
import { waitUntil } from '../support/wait.js';
import { gate, hostFor, startTestServer, TERMINAL, TestFunctions, uniqueHub } from './fixtures.js';

let azurite: Azurite;
before(async () => {
  azurite = await startAzurite();
});
after(async () => {
  await azurite.close();
});

/**
 * The task hub's storage goes down while an activity runs, long enough that the table client's
 * own retries give up, so the episode that records the activity's result fails to commit. The
 * instance must not be left idle: it tries the episode again once storage is back.
 */
test('an episode whose commit failed during a storage outage is tried again and the orchestration completes', async () => {
  const proxy = await FaultProxy.start(azurite.connectionString, { seed: 7 });
  const working = gate();
  const release = gate();
  const fns = new TestFunctions()
    .activity('Work', async (n) => {
      working.open();
      await release.promise;
      return (n as number) * 2;
    })
    .orchestration('Outage', function* (context: OrchestrationContext) {
      return yield context.df.callActivity('Work', 21);
    });
  const clock = new ManualClock(Date.UTC(2025, 0, 1));
  const errors: string[] = [];
  const server = await startTestServer();
  const runtime = createDurableRuntime({ connectionString: proxy.connectionString, taskHub: uniqueHub('Outage'), clock, onError: (e) => errors.push(String(e)) });
  try {
    await runtime.attach(hostFor(fns, server));
    const id = await runtime.startNew('Outage', 'outage-1');
    await working.promise;
    // Longer than the table client's retries (3, from about 1 s, doubling).
    const outage = proxy.outage(20_000);
    release.open();
    await waitUntil(() => errors.length > 0, 'the failed commit is reported', 60_000);
    assert.match(errors[0]!, /durable instance outage-1/);
    await outage;
    const waiting = clock.waiting;
    assert.ok(waiting > 0, 'the instance waits on the clock to try the episode again');
    clock.advance(1000);
    const final = await runtime.waitFor(id, (s) => TERMINAL.has(s.runtimeStatus), 30_000);
    assert.equal(final.runtimeStatus, 'Completed');
    assert.equal(final.output, 42);
    assert.ok(proxy.counts.outage > 0, 'the outage failed requests');
  } finally {
    release.open();
    await runtime.stop();
    await server.close();
    await proxy.close();
  }
});
