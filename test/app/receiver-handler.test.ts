import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import azf from '@azure/functions';
import { setDevOverrides } from '#sluice/app/dev-overrides.js';
import { streamFunctionNames } from '#sluice/app/function-names.js';
import { receiverHandler as receiverOf } from '#sluice/app/receiver-function.js';
import { StreamRuntime } from '#sluice/app/stream-runtime.js';
import { DEFAULT_SOURCE } from '#sluice/receiver/received-event.js';
import { pageViewsJob } from '../../sample/page-views-job.js';
import { startAzurite, type Azurite } from '#dev/azurite.js';
import { CheckpointStore } from '#sluice/wal/checkpoint-store.js';
import { BlockStore } from '#sluice/receiver/block-store.js';
import { azureStreamStorage } from '#sluice/adapters/azure/azure-storage.js';
import { storageClients } from '#sluice/adapters/azure/storage-clients.js';
import { loadConfig } from '#sluice/config/config.js';
import { silentLogger } from '#sluice/util/log.js';

// @azure/functions is a CommonJS bundle: its classes come from the default export under ESM.
const { InvocationContext } = azf;

let azurite: Azurite;
before(async () => {
  azurite = await startAzurite();
  Object.assign(process.env, { AzureWebJobsStorage: azurite.connectionString, SLUICE_BLOCK_INTERVAL: '100ms', SLUICE_BATCH_INTERVAL: '1s' });
  setDevOverrides({ log: silentLogger });
});
after(() => azurite.close());

// The receiver of the default source of a stream named "handler", as SluiceApp.stream registers it.
const stream = new StreamRuntime('handler', pageViewsJob, [
  { source: DEFAULT_SOURCE, named: false, connection: 'EventHubConnection', eventHubName: 'pageviews', consumerGroup: '$Default', gapConsumerGroup: 'sluice-gaps' },
], streamFunctionNames('handler'));
const receiverHandler = receiverOf(stream, DEFAULT_SOURCE);

/** The trigger metadata as the worker hands it to the handler (first letters lower-cased). */
function metadata(partitionId: string, seqs: number[]) {
  return {
    partitionContext: { fullyQualifiedNamespace: 'localhost', eventHubName: 'pageviews', consumerGroup: '$Default', partitionId },
    // Long objects as the worker decodes collectionSint64; numeric offsets and zoneless dates as the library hands them over.
    sequenceNumberArray: seqs.map((s) => ({ low: s, high: 0, unsigned: false })),
    offsetArray: seqs.map((s) => s * 100),
    enqueuedTimeUtcArray: seqs.map((s) => new Date(1_800_000_000_000 + s).toISOString().slice(0, -1)),
    partitionKeyArray: seqs.map((s) => (s % 2 ? `user-${s}` : null)),
    propertiesArray: seqs.map(() => ({ app: 'web' })),
  };
}

test('the receiver handler maps the binding data and returns only after blocks and checkpoint are durable', async () => {
  const bodies: unknown[] = [Buffer.from('{"page":"/a", "user":"u1"}'), Buffer.from('not json'), Buffer.from('{"page":"/b"}')];
  await receiverHandler(bodies, new InvocationContext({ functionName: 'sluice-handler-receiver', invocationId: 'i1', triggerMetadata: metadata('3', [10, 11, 12]) }));
  const storage = azureStreamStorage(loadConfig(), storageClients({ kind: 'connectionString', connectionString: azurite.connectionString }));
  const ref = { source: 'events', partition: '3' };
  const checkpoint = await new CheckpointStore(storage.wal, 'handler').read(ref);
  assert.equal(checkpoint!.checkpoint.lastSeq, 12);
  assert.equal(checkpoint!.checkpoint.lastOffset, '1200');
  const blocks = await new CheckpointStore(storage.wal, 'handler').blocksBetween(ref, -1, 12);
  const events = (await Promise.all(blocks.map((b) => new BlockStore(storage.blocks, 'handler').read(ref, b.first, b.last)))).flat();
  assert.deepEqual(events.map((e) => e.sequenceNumber), [10, 11, 12]);
  assert.deepEqual(events[0]!.body, new Uint8Array(Buffer.from('{"page":"/a", "user":"u1"}')));
  assert.deepEqual(events[1]!.body, new Uint8Array(Buffer.from('not json')));
  assert.deepEqual(events[2]!.body, new Uint8Array(Buffer.from('{"page":"/b"}')));
  assert.equal(events[1]!.partitionKey, 'user-11');
  assert.deepEqual(events[0]!.properties, { app: 'web' });
  assert.equal(events[0]!.enqueuedTime, 1_800_000_000_010);
});

test('a redelivered invocation is skipped; bad binding data is a clear error', async () => {
  await receiverHandler([Buffer.from('{"a":1}')], new InvocationContext({ functionName: 'sluice-handler-receiver', invocationId: 'i2', triggerMetadata: metadata('3', [12]) }));
  const storage = azureStreamStorage(loadConfig(), storageClients({ kind: 'connectionString', connectionString: azurite.connectionString }));
  const cp = await new CheckpointStore(storage.wal, 'handler').read({ source: 'events', partition: '3' });
  assert.equal(cp!.checkpoint.redeliveries, 1);
  await assert.rejects(receiverHandler([Buffer.from('1'), Buffer.from('2')], new InvocationContext({ functionName: 'sluice-handler-receiver', invocationId: 'i3', triggerMetadata: metadata('3', [13]) })), /1 entries in sequenceNumberArray for 2 events/);
  // A Long-like value that is not a number was once NaN, "not newer than the checkpoint", and silently skipped.
  const broken = { ...metadata('3', [13]), sequenceNumberArray: [{ low: 'x' }] };
  await assert.rejects(receiverHandler([Buffer.from('1')], new InvocationContext({ functionName: 'sluice-handler-receiver', invocationId: 'i5', triggerMetadata: broken })), /sequenceNumberArray\[0\] is object/);
  await assert.rejects(receiverHandler([Buffer.from('1')], new InvocationContext({ functionName: 'sluice-handler-receiver', invocationId: 'i4', triggerMetadata: {} })), /no partitionContext/);
});
