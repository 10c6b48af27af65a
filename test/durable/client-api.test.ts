import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { OrchestrationContext } from 'durable-functions';
import { startAzurite, type Azurite } from '#dev/azurite.js';
import { ManualClock } from '#sluice/util/clock.js';
import { DurableApiError } from '#local-durable/durable-api-error.js';
import { createDurableRuntime, type DurableRuntime } from '#local-durable/durable-runtime.js';
import { durableLib as df, functionsLib, hostFor, startTestServer, TERMINAL, TestFunctions, uniqueHub } from './fixtures.js';

let azurite: Azurite;
before(async () => {
  azurite = await startAzurite();
});
after(async () => {
  await azurite.close();
});

const fns = new TestFunctions()
  .activity('Echo', (x) => x)
  .orchestration('Approval', function* (context: OrchestrationContext) {
    context.df.setCustomStatus('waiting');
    const decision = yield context.df.waitForExternalEvent('Approve');
    const echoed = yield context.df.callActivity('Echo', decision);
    return { input: context.df.getInput(), echoed };
  });

async function withRuntime(body: (runtime: DurableRuntime, baseUrl: string) => Promise<void>): Promise<void> {
  const server = await startTestServer();
  const runtime = createDurableRuntime({ connectionString: azurite.connectionString, taskHub: uniqueHub('Client'), clock: new ManualClock(Date.UTC(2025, 0, 1)) });
  await runtime.attach(hostFor(fns, server));
  try {
    await body(runtime, server.baseUrl);
  } finally {
    await runtime.stop();
    await server.close();
  }
}

const ended = (s: { runtimeStatus: string }) => TERMINAL.has(s.runtimeStatus);
const waiting = (s: { customStatus: unknown }) => s.customStatus === 'waiting';

function rejectsWith(status: number) {
  return (error: unknown) => error instanceof DurableApiError && error.status === status;
}

test('raiseEvent delivers data to waitForExternalEvent', async () => {
  await withRuntime(async (runtime) => {
    const id = await runtime.startNew('Approval', 'approve-1', { order: 7 });
    await runtime.waitFor(id, waiting, 5000);
    await runtime.raiseEvent(id, 'Approve', { ok: true });
    const final = await runtime.waitFor(id, ended, 5000);
    assert.equal(final.runtimeStatus, 'Completed');
    assert.deepEqual(final.output, { input: { order: 7 }, echoed: { ok: true } });
    await assert.rejects(runtime.raiseEvent(id, 'Approve', 1), rejectsWith(410));
    await assert.rejects(runtime.raiseEvent('nobody', 'Approve', 1), rejectsWith(404));
  });
});

test('terminate ends a running instance with the reason as output', async () => {
  await withRuntime(async (runtime) => {
    const id = await runtime.startNew('Approval', 'term-1');
    await runtime.waitFor(id, waiting, 5000);
    await runtime.terminate(id, 'no longer needed');
    const final = await runtime.waitFor(id, ended, 5000);
    assert.equal(final.runtimeStatus, 'Terminated');
    assert.equal(final.output, 'no longer needed');
    await assert.rejects(runtime.terminate(id, 'again'), rejectsWith(410));
  });
});

test('starting a running instance id is rejected; a finished one can be started again', async () => {
  await withRuntime(async (runtime) => {
    const id = await runtime.startNew('Approval', 'dup-1', 1);
    await assert.rejects(runtime.startNew('Approval', 'dup-1', 2), rejectsWith(409));
    await runtime.terminate(id, 'stop');
    await runtime.waitFor(id, ended, 5000);
    await runtime.startNew('Approval', 'dup-1', 3);
    const restarted = await runtime.waitFor(id, waiting, 5000);
    assert.equal(restarted.runtimeStatus, 'Running');
    assert.equal(restarted.input, 3);
    await assert.rejects(runtime.startNew('NoSuchOrchestrator'), rejectsWith(400));
  });
});

test('purge deletes a finished instance and refuses a running one', async () => {
  await withRuntime(async (runtime) => {
    const id = await runtime.startNew('Approval', 'purge-1');
    await runtime.waitFor(id, waiting, 5000);
    await assert.rejects(runtime.purge(id), rejectsWith(412));
    await runtime.terminate(id, 'done');
    await runtime.waitFor(id, ended, 5000);
    assert.equal(await runtime.purge(id), 1);
    assert.equal(await runtime.getStatus(id), undefined);
    assert.equal(await runtime.purge(id), 0);
    assert.deepEqual(await runtime.listInstances(), []);
  });
});

test('df.getClient drives the webhook API: startNew, getStatus, raiseEvent, terminate, purge', async () => {
  await withRuntime(async (runtime) => {
    const clientInput = df.input.durableClient();
    const context = new functionsLib.InvocationContext({ functionName: 'Starter', options: { extraInputs: [clientInput] }, logHandler: () => undefined });
    context.extraInputs.set(clientInput, runtime.clientBinding());
    const client = df.getClient(context);

    const id = await client.startNew('Approval', { instanceId: 'web-1', input: 'hello' });
    assert.equal(id, 'web-1');
    await runtime.waitFor(id, waiting, 5000);
    const status = await client.getStatus(id, { showHistory: true });
    assert.equal(status.runtimeStatus, 'Running');
    assert.equal(status.input, 'hello');
    assert.equal(status.customStatus, 'waiting');
    assert.ok(Array.isArray(status.history) || status.history === undefined);
    await assert.rejects(client.startNew('Approval', { instanceId: 'web-1' }), /409/);

    await client.raiseEvent(id, 'Approve', 'yes');
    await runtime.waitFor(id, ended, 5000);
    const done = await client.getStatus(id);
    assert.equal(done.runtimeStatus, 'Completed');
    assert.deepEqual(done.output, { input: 'hello', echoed: 'yes' });

    const other = await client.startNew('Approval');
    await runtime.waitFor(other, waiting, 5000);
    await client.terminate(other, 'cancelled by test');
    const terminated = await runtime.waitFor(other, ended, 5000);
    assert.equal(terminated.runtimeStatus, 'Terminated');
    assert.equal(terminated.output, 'cancelled by test');

    const listed = await client.getStatusAll();
    assert.deepEqual(listed.map((s) => s.instanceId).sort(), [other, id].sort());
    assert.equal((await client.purgeInstanceHistory(id)).instancesDeleted, 1);
    assert.equal((await client.purgeInstanceHistory(id)).instancesDeleted, 0);
    await assert.rejects(client.getStatus(id), /404/);
  });
});
