import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { earliestEventPosition, EventHubProducerClient, latestEventPosition, type Checkpoint } from '@azure/event-hubs';
import { BlobCheckpointStore } from '@azure/eventhubs-checkpointstore-blob';
import { ContainerClient } from '@azure/storage-blob';
import { startAzurite, type Azurite } from '#dev/azurite.js';
import { devHubConfig, startDevHub, type DevHub } from '#dev-hub/dev-hub.js';
import { CHECKPOINT_CONTAINER, effectiveEventHubOptions } from '#local-host/eventhub-trigger.js';
import { startLocalHost, type LocalHost } from '#local-host/local-host.js';
import { ManualClock } from '#sluice/util/clock.js';
import { callsOf } from '../fixtures/host-app/recorder.js';
import { FIXTURE_APP_DIR, logCollector } from './host-test-support.js';
import { waitUntil } from '../support/wait.js';

const HUB = 'ingest-hub';

describe('Event Hubs host settings', () => {
  test('extension v6 defaults, and host.json overrides', () => {
    const defaults = effectiveEventHubOptions();
    assert.equal(defaults.maxEventBatchSize, 100);
    assert.equal(defaults.maxWaitTimeSeconds, 60);
    assert.equal(defaults.prefetchCount, 300);
    assert.deepEqual(defaults.startPosition, earliestEventPosition);
    const custom = effectiveEventHubOptions({
      maxEventBatchSize: 5, maxWaitTime: '00:00:02.500', prefetchCount: 7,
      initialOffsetOptions: { type: 'FromEnqueuedTime', enqueuedTimeUtc: '2024-01-01T00:00:00Z' },
    });
    assert.equal(custom.maxEventBatchSize, 5);
    assert.equal(custom.maxWaitTimeSeconds, 2.5);
    assert.equal(custom.prefetchCount, 7);
    assert.deepEqual(custom.startPosition, { enqueuedOn: new Date('2024-01-01T00:00:00Z') });
    assert.deepEqual(effectiveEventHubOptions({ initialOffsetOptions: { type: 'fromEnd' } }).startPosition, latestEventPosition);
    assert.throws(() => effectiveEventHubOptions({ initialOffsetOptions: { type: 'sometimes' } }), /is not fromStart, fromEnd or fromEnqueuedTime/);
  });
});

describe('Event Hubs trigger end to end (dev hub + Azurite)', () => {
  let azurite: Azurite;
  let hub: DevHub;
  let producer: EventHubProducerClient;
  let checkpoints: BlobCheckpointStore;
  const clock = new ManualClock(0);
  const collected = logCollector();
  let host: LocalHost | undefined;

  const startHost = (): Promise<LocalHost> =>
    startLocalHost({
      appDir: FIXTURE_APP_DIR,
      env: {
        HUB_NAME: HUB,
        EVENTHUB_CONNECTION: hub.connectionString,
        // Timers off, so the only sleeper on the clock is the retry delay.
        'AzureWebJobs.tickA.Disabled': 'true',
        'AzureWebJobs.tickB.Disabled': 'true',
        'AzureWebJobs.onStartup.Disabled': 'true',
      },
      port: 0,
      clock,
      storageConnectionString: azurite.connectionString,
      log: collected.log,
    });

  async function checkpointOf(partitionId: string): Promise<Checkpoint | undefined> {
    const all = await checkpoints.listCheckpoints('localhost', HUB, '$Default');
    return all.find((c) => c.partitionId === partitionId);
  }

  async function waitForCheckpoint(partitionId: string, sequenceNumber: number): Promise<void> {
    await waitUntil(async () => (await checkpointOf(partitionId))?.sequenceNumber === sequenceNumber, `a checkpoint at ${sequenceNumber} on partition ${partitionId}`, 15_000)
      .catch((err: Error) => { throw new Error(`${err.message}; log:\n${collected.lines.join('\n')}`); });
  }


  before(async () => {
    azurite = await startAzurite();
    hub = await startDevHub({ port: 0, config: devHubConfig([{ name: HUB, partitions: 2 }]) });
    producer = new EventHubProducerClient(hub.connectionString, HUB);
    checkpoints = new BlobCheckpointStore(new ContainerClient(azurite.connectionString, CHECKPOINT_CONTAINER));
    host = await startHost();
  });
  after(async () => {
    await host?.stop();
    await producer?.close();
    await hub?.close();
    await azurite?.close();
  });

  test('a batch reaches the handler as an array with the extension-shaped triggerMetadata, then is checkpointed', async () => {
    await producer.sendBatch(
      [
        { body: { n: 1 }, properties: { Source: 'test', nested: { Inner: 1 } } },
        { body: 'plain text' },
      ],
      { partitionId: '0' },
    );
    await waitUntil(() => callsOf('ingest').length >= 1, 'the ingest function to run', 15_000);
    const call = callsOf('ingest')[0];
    assert.ok(call);
    assert.deepEqual(call.input, [{ n: 1 }, 'plain text']);
    const meta = call.triggerMetadata as Record<string, unknown[] & Record<string, unknown>>;
    assert.deepEqual(meta.partitionContext, {
      fullyQualifiedNamespace: 'localhost', eventHubName: HUB, consumerGroup: '$Default', partitionId: '0',
    });
    // The host's shapes (see src/local/host/eventhub-rpc-encodings.ts): long[] as collectionSint64,
    // which the worker decodes into Long objects and the library copies into plain ones.
    assert.deepEqual(meta.sequenceNumberArray, [{ low: 0, high: 0, unsigned: false }, { low: 1, high: 0, unsigned: false }]);
    assert.equal(meta.offsetArray?.length, 2);
    // Offsets are strings on the host, but the library JSON-parses each, so numeric ones arrive as numbers.
    assert.ok(meta.offsetArray?.every((o) => typeof o === 'number'), 'offsets arrive as numbers');
    // Null keys are dropped from the string collection: the fixture app does not declare IncludeEmptyEntriesInMessagePayload.
    assert.deepEqual(meta.partitionKeyArray, []);
    // Json.NET writes the extension's zoneless DateTime values without a "Z".
    assert.ok(meta.enqueuedTimeUtcArray?.every((t) => typeof t === 'string' && /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?$/.test(t)));
    // The worker lower-cases the first letter of every key, even inside user properties.
    assert.deepEqual(meta.propertiesArray, [{ source: 'test', nested: { inner: 1 } }, {}]);
    const system = meta.systemPropertiesArray?.[1] as Record<string, unknown>;
    assert.equal(system['x-opt-sequence-number'], 1);
    assert.equal(system.sequenceNumber, 1);
    assert.equal(system.offset, meta.offsetArray?.[1]);
    assert.equal(system.partitionKey, null);
    assert.equal(system.enqueuedTimeUtc, meta.enqueuedTimeUtcArray?.[1]);

    await waitForCheckpoint('0', 1);
  });

  test('a throwing invocation is retried per its policy, then checkpointed anyway', async () => {
    const before = callsOf('ingest').length;
    await producer.sendBatch([{ body: { fail: true } }], { partitionId: '1' });
    await waitUntil(() => callsOf('ingest').length === before + 1 && clock.waiting === 1, 'the first failing attempt', 15_000);
    assert.equal(await checkpointOf('1'), undefined, 'no checkpoint while retries remain');
    clock.advance(5_000); // the fixture's fixedDelay
    await waitUntil(() => callsOf('ingest').length === before + 2, 'the retry', 15_000);
    await waitForCheckpoint('1', 0);
    const attempts = callsOf('ingest').slice(before);
    assert.deepEqual(attempts.map((a) => a.retryCount), [0, 1]);
    assert.equal(collected.lines.filter((l) => l.includes("Executed 'Functions.ingest' (Failed")).length, 2);
  });

  test('a restarted host resumes from the checkpoints', async () => {
    await host?.stop();
    host = await startHost();
    const before = callsOf('ingest').length;
    await producer.sendBatch([{ body: { n: 3 } }], { partitionId: '0' });
    await waitForCheckpoint('0', 2);
    const after = callsOf('ingest').slice(before);
    assert.deepEqual(after.map((c) => c.input), [[{ n: 3 }]]);
  });
});
