import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { EventHubRangeReader } from '#sluice/app/event-hub-range-reader.js';
import { startAzurite, type Azurite } from '#dev/azurite.js';
import { devHubConfig } from '#dev-hub/dev-hub.js';
import type { ReceivedEvent } from '#sluice/receiver/received-event.js';
import { BlockStore } from '#sluice/receiver/block-store.js';
import { ReliableReceiver } from '#sluice/receiver/reliable-receiver.js';
import { streamStatus } from '#sluice/status/stream-status.js';
import type { StreamHandle } from '#sluice/status/status-ports.js';
import { loadConfig } from '#sluice/config/config.js';
import { ManualClock } from '#sluice/util/clock.js';
import { MemoryLogger } from '#sluice/util/log.js';
import { CheckpointStore } from '#sluice/wal/checkpoint-store.js';
import { azuriteStorage } from '../support/backends.js';
import type { StreamStorage } from '#sluice/ports/stream-storage.js';
import { clients, withHub } from './support.js';

// Gap fill against the dev hub (real AMQP, the official SDK) and Azurite: the receiver's own
// client reads the skipped range back by sequence number, in a consumer group of its own.
const config = devHubConfig([{ name: 'pageviews', partitions: 1, consumerGroups: ['sluice', 'sluice-gaps'] }]);
const ref = { source: 'events', partition: '0' };
let azurite: Azurite;
before(async () => { azurite = await startAzurite(); });
after(() => azurite.close());

/** What the trigger would deliver for the events at these sequence numbers. */
const delivered = (seqs: number[]): ReceivedEvent[] =>
  seqs.map((s) => ({ body: new Uint8Array(Buffer.from(`body-${s}`)), sequenceNumber: s, offset: String(s), enqueuedTime: 1_000 + s }));

async function storedBodies(receiver: ReliableReceiver, stream: string, storage: StreamStorage): Promise<string[]> {
  const out: string[] = [];
  for (const b of await new CheckpointStore(storage.wal, stream).blocksBetween(receiver.ref, -1, Number.MAX_SAFE_INTEGER)) {
    for (const e of await new BlockStore(storage.blocks, stream).read(receiver.ref, b.first, b.last)) out.push(Buffer.from(e.body as Uint8Array).toString());
  }
  return out;
}

function receiverOn(connectionString: string, stream: string, log: MemoryLogger): { receiver: ReliableReceiver; reader: EventHubRangeReader; storage: StreamStorage } {
  const storage = azuriteStorage(azurite);
  const reader = new EventHubRangeReader({ connection: () => ({ kind: 'connectionString', connectionString }), eventHubName: 'pageviews', consumerGroup: 'sluice-gaps', maxWaitSeconds: 5 });
  const receiver = new ReliableReceiver(new BlockStore(storage.blocks, stream), new CheckpointStore(storage.wal, stream),
    { ...ref, blockIntervalMs: 1_000_000, maxBlockBytes: 1 << 20, owner: 'test', hub: reader }, new ManualClock(7_000), log);
  return { receiver, reader, storage };
}

test('skipped events are read back from the hub by sequence number and stored before the new ones', () =>
  withHub({ config }, async (hub) => {
    const { producer, close } = clients(hub);
    const { receiver, reader, storage } = receiverOn(hub.connectionString, 'gapfill', new MemoryLogger());
    try {
      await producer.sendBatch(Array.from({ length: 12 }, (_, s) => ({ body: Buffer.from(`body-${s}`) })), { partitionId: '0' });
      await receiver.receive(delivered([0, 1, 2]));
      // The trigger skipped 3..9 (its retries ran out, say) and now delivers 10..11.
      const result = await receiver.receive(delivered([10, 11]));
      assert.deepEqual({ filled: result.filled, lost: result.lost }, { filled: 7, lost: 0 });
      assert.deepEqual(await storedBodies(receiver, 'gapfill', storage), Array.from({ length: 12 }, (_, s) => `body-${s}`));
    } finally {
      await reader.close();
      await close();
    }
  }));

test('a range retention removed becomes GapDetected, shown in the stream status, and the rest is filled', () =>
  withHub({ config, retention: { maxEventsPerPartition: 6 } }, async (hub) => {
    const { producer, close } = clients(hub);
    const log = new MemoryLogger();
    const { receiver, reader, storage } = receiverOn(hub.connectionString, 'gaplost', log);
    try {
      await producer.sendBatch(Array.from({ length: 3 }, (_, s) => ({ body: Buffer.from(`body-${s}`) })), { partitionId: '0' });
      await receiver.receive(delivered([0, 1, 2]));
      // Nine more events arrive; the hub keeps only the newest six (6..11): 3..5 are gone.
      await producer.sendBatch(Array.from({ length: 9 }, (_, i) => ({ body: Buffer.from(`body-${i + 3}`) })), { partitionId: '0' });
      assert.equal((await producer.getPartitionProperties('0')).beginningSequenceNumber, 6);
      const result = await receiver.receive(delivered([10, 11]));
      assert.deepEqual({ filled: result.filled, lost: result.lost }, { filled: 4, lost: 3 });
      assert.deepEqual(await storedBodies(receiver, 'gaplost', storage), ['body-0', 'body-1', 'body-2', 'body-6', 'body-7', 'body-8', 'body-9', 'body-10', 'body-11']);
      assert.ok(log.lines.some((l) => l.level === 'error' && l.fields?.['from'] === 3 && l.fields?.['to'] === 5), 'the loss is logged as an error');
      const handle = { name: 'gaplost', config: { ...loadConfig({}), streamName: 'gaplost' }, storage } as unknown as StreamHandle;
      const status = await streamStatus(handle, new ManualClock(8_000));
      assert.deepEqual(status.gaps, { total: 1, latest: [{ source: 'events', partition: '0', from: 3, to: 5, count: 3, detectedAt: 7_000 }] });
      assert.ok(status.health.problems.some((p) => /3 events were lost/.test(p)), status.health.problems.join('; '));
    } finally {
      await reader.close();
      await close();
    }
  }));
