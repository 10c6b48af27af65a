import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { azureStreamStorage } from '#sluice/adapters/azure/azure-storage.js';
import { storageClients } from '#sluice/adapters/azure/storage-clients.js';
import { setDevOverrides } from '#sluice/app/dev-overrides.js';
import { loadConfig } from '#sluice/config/config.js';
import { startAzurite, type Azurite } from '#dev/azurite.js';
import { eventHubBatchInput, type ReceivedEventLike } from '#local-host/eventhub-batch-input.js';
import { collectionSint64, collectionString, json } from '#local-host/eventhub-rpc-encodings.js';
import { FunctionRegistry } from '#local-host/function-registry.js';
import { collectRegistrationsInto, currentProgrammingModel, installFunctionsCoreShim } from '#local-host/functions-core-shim.js';
import { createInvoker, type InvocationInput, type Invoker } from '#local-host/invoke.js';
import { registeredFunctions } from '#local-host/registered-functions.js';
import { RpcEncoded } from '#local-host/rpc-typed-data.js';
import type { StreamStorage } from '#sluice/ports/stream-storage.js';
import { BlockStore } from '#sluice/receiver/block-store.js';
import { edgeCases } from '../../smoke/edge-cases.js';
import { silentLogger } from '#sluice/util/log.js';
import { CheckpointStore } from '#sluice/wal/checkpoint-store.js';

// The real @azure/functions conversion (fromRpcTypedData, toCamelCase) runs between the
// host-shaped RPC invocation and the receiver: the app is loaded through the worker's core API.
let azurite: Azurite;
let invoker: Invoker;
let registry: FunctionRegistry;
let storage: StreamStorage;
const STREAM = 'rpcshapes';
const RECEIVER = `sluice-${STREAM}-receiver`;
const partitionOf = (partitionId: string) => ({ fullyQualifiedNamespace: 'ns.servicebus.windows.net', eventHubName: 'pageviews', consumerGroup: 'sluice', partitionId });

before(async () => {
  azurite = await startAzurite();
  Object.assign(process.env, { AzureWebJobsStorage: azurite.connectionString, SLUICE_BLOCK_INTERVAL: '100ms', SLUICE_BATCH_INTERVAL: '1s' });
  setDevOverrides({ log: silentLogger });
  installFunctionsCoreShim();
  registry = new FunctionRegistry();
  collectRegistrationsInto(registry);
  // Loaded after the shim, as the worker loads an app after its core API is in place.
  const { sluiceApp } = await import('sluice');
  const { pageViewsJob } = await import('../../sample/page-views-job.js');
  sluiceApp().stream({ name: STREAM, source: { eventHubName: 'pageviews', consumerGroup: 'sluice' }, job: pageViewsJob });
  const functions = registeredFunctions(registry, {});
  invoker = createInvoker({ registry, functions, programmingModel: () => currentProgrammingModel()!, log: () => {} });
  storage = azureStreamStorage(loadConfig(), storageClients({ kind: 'connectionString', connectionString: azurite.connectionString }));
});
after(() => azurite.close());

const T0 = Date.UTC(2026, 10, 29, 3, 0, 0, 120);

function sent(from: number): ReceivedEventLike[] {
  return edgeCases().map((c, i) => ({
    body: c.body, sequenceNumber: from + i, offset: String((from + i) * 4096), enqueuedTimeUtc: new Date(T0 + i),
    partitionKey: c.partitionKey ?? null, properties: c.properties ?? {},
  }));
}

async function storedFrom(partition: string, from: number, to: number) {
  const ref = { source: 'events', partition };
  const blocks = await new CheckpointStore(storage.wal, STREAM).blocksBetween(ref, from - 1, to);
  return (await Promise.all(blocks.map((b) => new BlockStore(storage.blocks, STREAM).read(ref, b.first, b.last)))).flat();
}

test('the receiver is registered with binary bodies, a retry policy that never gives up, and without the empty-entries capability', async () => {
  const registration = registry.get(RECEIVER)!;
  const trigger = Object.values(registration.metadata.bindings ?? {}).find((b) => b.type === 'eventHubTrigger');
  assert.equal(trigger?.dataType, 'binary');
  assert.equal(Number(registration.metadata.retryOptions?.maxRetryCount), -1);
  const caps = await currentProgrammingModel()!.getCapabilities!({});
  // Keys come from the system properties, so the app does not ask the host for empty entries,
  // which the library would JSON.parse (and fail on) once per keyless event.
  assert.equal(caps['IncludeEmptyEntriesInMessagePayload'], undefined);
});

for (const includeEmptyEntries of [true, false]) {
  test(`edge-case bodies in one host-shaped batch are stored byte-exact (empty entries ${includeEmptyEntries ? 'kept' : 'dropped'})`, async () => {
    const p = includeEmptyEntries ? '1' : '2';
    const from = 100;
    const events = sent(from);
    const input = eventHubBatchInput(events, partitionOf(p), { dataType: 'binary', includeEmptyEntries });
    await invoker.invoke(RECEIVER, input);
    const back = await storedFrom(p, from, from + events.length - 1);
    assert.equal(back.length, events.length);
    back.forEach((e, i) => {
      const want = events[i]!;
      const name = edgeCases()[i]!.name;
      assert.equal(e.sequenceNumber, want.sequenceNumber, name);
      assert.ok(e.body instanceof Uint8Array, name);
      assert.ok(Buffer.from(e.body).equals(Buffer.from(want.body as Uint8Array)), `${name}: body bytes differ`);
      assert.equal(e.partitionKey, want.partitionKey, `${name}: partition key`);
      assert.equal(e.enqueuedTime, want.enqueuedTimeUtc.getTime(), `${name}: enqueued time (zoneless on the wire)`);
      assert.equal(e.offset, want.offset, `${name}: offset`);
      // The library lower-cases the first letter of property names; these are lower-case already.
      assert.deepEqual(e.properties, want.properties, `${name}: properties`);
    });
  });
}

/** A batch of two events with metadata replaced field by field. */
function shaped(p: string, from: number, metadata: Record<string, unknown>): InvocationInput {
  const events: ReceivedEventLike[] = [0, 1].map((i) => ({ body: Buffer.from(`e${from + i}`), sequenceNumber: from + i, offset: String(from + i), enqueuedTimeUtc: new Date(T0), partitionKey: i === 0 ? null : 'k' }));
  const input = eventHubBatchInput(events, partitionOf(p), { dataType: 'binary', includeEmptyEntries: false });
  return { ...input, triggerMetadata: { ...input.triggerMetadata, ...metadata } };
}

test('sequence numbers as numeric strings, Longs and numbers are all accepted', async () => {
  await invoker.invoke(RECEIVER, shaped('3', 300, { SequenceNumberArray: new RpcEncoded(collectionString(['300', '301'], false)) }));
  await invoker.invoke(RECEIVER, shaped('3', 302, { SequenceNumberArray: new RpcEncoded(collectionSint64([302n, 303n])) }));
  await invoker.invoke(RECEIVER, shaped('3', 304, { SequenceNumberArray: new RpcEncoded(json([304, 305])) }));
  assert.deepEqual((await storedFrom('3', 300, 305)).map((e) => [e.sequenceNumber, Buffer.from(e.body as Uint8Array).toString()]), [300, 301, 302, 303, 304, 305].map((s) => [s, `e${s}`]));
});

test('what cannot be read fails the invocation and stores nothing; it is never taken for a redelivery', async () => {
  const cases: [string, Record<string, unknown>, RegExp][] = [
    ['a sequence number that is not a number', { SequenceNumberArray: new RpcEncoded(collectionString(['x', 'y'], false)) }, /sequenceNumberArray\[0\] is string "x"/],
    ['fewer sequence numbers than bodies', { SequenceNumberArray: new RpcEncoded(collectionSint64([400])) }, /1 entries in sequenceNumberArray for 2 events/],
    ['a date that is not a date', { EnqueuedTimeUtcArray: new RpcEncoded(json(['yesterday', 'today'])) }, /enqueuedTimeUtcArray\[0\] is string "yesterday"/],
    ['compacted partition keys with no system properties', { SystemPropertiesArray: undefined }, /refusing to guess/],
    ['a body that went through JSON.parse', {}, /dataType "binary"/],
  ];
  await invoker.invoke(RECEIVER, shaped('4', 398, {}));
  for (const [name, metadata, error] of cases) {
    const input = shaped('4', 400, metadata);
    const withBody = name.startsWith('a body') ? { ...input, triggerValue: new RpcEncoded(collectionString(['{"a":1}', '2'], false)) } : input;
    await assert.rejects(invoker.invoke(RECEIVER, withBody), error, name);
  }
  assert.deepEqual(await storedFrom('4', 400, 401), []);
  const cp = await new CheckpointStore(storage.wal, STREAM).read({ source: 'events', partition: '4' });
  assert.equal(cp!.checkpoint.lastSeq, 399);
});
