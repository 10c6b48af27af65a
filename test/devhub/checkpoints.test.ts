import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { EventHubConsumerClient, EventHubProducerClient, type CheckpointStore, type ReceivedEventData } from '@azure/event-hubs';
import { BlobCheckpointStore } from '@azure/eventhubs-checkpointstore-blob';
import { ContainerClient } from '@azure/storage-blob';
import { startAzurite, type Azurite } from '#dev/azurite.js';
import { devHubConfig, startDevHub, type DevHub } from '#dev-hub/dev-hub.js';
import { fastRetry } from './support.js';
import { waitUntil } from '../support/wait.js';

let azurite: Azurite;
let dir: string;
before(async () => {
  azurite = await startAzurite();
  dir = await mkdtemp(join(tmpdir(), 'devhub-cp-'));
});
after(async () => {
  await azurite.close();
  await rm(dir, { recursive: true, force: true });
});

async function checkpointStore(name: string): Promise<CheckpointStore> {
  const container = new ContainerClient(azurite.connectionString, name);
  await container.createIfNotExists();
  // The store pins its own copy of @azure/event-hubs; the interface is the same.
  return new BlobCheckpointStore(container) as unknown as CheckpointStore;
}

async function send(hub: DevHub, bodies: string[]): Promise<void> {
  const producer = new EventHubProducerClient(hub.connectionString, 'pageviews', { retryOptions: fastRetry });
  for (const body of bodies) await producer.sendBatch([{ body }]);
  await producer.close();
}

/** Runs a checkpointing consumer until `count` events arrived and were checkpointed. */
async function consume(hub: DevHub, store: CheckpointStore, count: number): Promise<ReceivedEventData[]> {
  const consumer = new EventHubConsumerClient('$Default', hub.connectionString, 'pageviews', store, {
    retryOptions: fastRetry,
    loadBalancingOptions: { strategy: 'greedy', updateIntervalInMs: 100 },
  });
  const got: ReceivedEventData[] = [];
  let failure: Error | undefined;
  const subscription = consumer.subscribe(
    {
      processEvents: async (events, ctx) => {
        got.push(...events);
        if (events.length > 0) await ctx.updateCheckpoint(events[events.length - 1]!);
      },
      processError: async (err) => void (failure ??= err),
    },
    { startPosition: { offset: '-1' }, maxWaitTimeInSeconds: 1, maxBatchSize: 50 },
  );
  try {
    await waitUntil(() => got.length >= count || failure !== undefined, `${count} events`);
    if (failure) throw failure;
  } finally {
    await subscription.close();
    await consumer.close();
  }
  return got;
}

test('a consumer resumes from blob checkpoints after the hub and the consumer restart', async () => {
  const store = await checkpointStore('resume');
  const config = devHubConfig([{ name: 'pageviews', partitions: 2 }]);
  let hub = await startDevHub({ port: 0, config, persistDir: dir });
  try {
    await send(hub, Array.from({ length: 10 }, (_, i) => `old-${i}`));
    const first = await consume(hub, store, 10);
    assert.equal(first.length, 10);
  } finally {
    await hub.close();
  }
  hub = await startDevHub({ port: 0, config, persistDir: dir });
  try {
    assert.equal(hub.partitionState('pageviews', '0').lastSequenceNumber, 4, 'events survived the restart');
    await send(hub, Array.from({ length: 6 }, (_, i) => `new-${i}`));
    const second = await consume(hub, store, 6);
    assert.deepEqual(second.map((e) => e.body).sort(), Array.from({ length: 6 }, (_, i) => `new-${i}`));
    assert.deepEqual([...new Set(second.map((e) => e.sequenceNumber))].sort(), [5, 6, 7], 'numbering continued');
  } finally {
    await hub.close();
  }
});

test('two processors split the partitions between them', async () => {
  const store = await checkpointStore('balance');
  const hub = await startDevHub({ port: 0, config: devHubConfig([{ name: 'pageviews', partitions: 4 }]) });
  const options = { retryOptions: fastRetry, loadBalancingOptions: { updateIntervalInMs: 100, partitionOwnershipExpirationIntervalInMs: 5000 } };
  const processors = [0, 1].map(() => {
    const owned = new Set<string>();
    const client = new EventHubConsumerClient('$Default', hub.connectionString, 'pageviews', store, options);
    const subscription = client.subscribe(
      {
        processInitialize: async (ctx) => void owned.add(ctx.partitionId),
        processClose: async (_reason, ctx) => void owned.delete(ctx.partitionId),
        processEvents: async () => {},
        processError: async () => {},
      },
      { maxWaitTimeInSeconds: 1 },
    );
    return { owned, client, subscription };
  });
  try {
    const [a, b] = processors as [(typeof processors)[0], (typeof processors)[0]];
    // Ownership moves through brief overlaps (a steal is seen before the loser's close), so wait for a clean split.
    const split = () => [...a.owned, ...b.owned].sort().join();
    await waitUntil(() => a.owned.size === 2 && b.owned.size === 2 && split() === '0,1,2,3', 'a 2 + 2 split', 20_000);
    assert.equal(split(), '0,1,2,3');
    await waitUntil(() => hub.readerCount() === 4, 'one reader per partition');
  } finally {
    for (const p of processors) await p.subscription.close();
    await Promise.all(processors.map((p) => p.client.close()));
    await hub.close();
  }
});
