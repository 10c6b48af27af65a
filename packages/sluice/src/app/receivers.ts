import { instanceName, readConnection } from '../config/config.js';
import { BlockStore } from '../receiver/block-store.js';
import { BufferedReceiver } from '../receiver/buffered-receiver.js';
import { DEFAULT_SOURCE, type ReceivedEvent } from '../receiver/received-event.js';
import { ReliableReceiver } from '../receiver/reliable-receiver.js';
import { CheckpointStore } from '../wal/checkpoint-store.js';
import type { AppContext } from './app-context.js';
import { EventHubRangeReader } from './event-hub-range-reader.js';

/** The app setting the receiver's trigger binds (`connection`), which gap fill reads with too. */
export const EVENT_HUB_CONNECTION = 'EventHubConnection';

/**
 * One receiver per partition per process, kept across invocations: the reliable receiver keeps
 * the checkpoint's etag between calls, and the unreliable one keeps its buffer.
 */
const reliable = new Map<string, ReliableReceiver>();
const buffered = new Map<string, BufferedReceiver>();
let hubReader: EventHubRangeReader | undefined;

export async function receive(app: AppContext, partition: string, events: readonly ReceivedEvent[]): Promise<void> {
  const receiver = reliableFor(app, partition);
  if (app.config.receiverMode === 'reliable') {
    const result = await receiver.receive(events);
    if (result.redeliveries > 0 || result.conflicts > 0 || result.filled > 0 || result.lost > 0) app.log.info('receiver stored events', { partition, ...result });
    if (result.lost > 0) app.telemetry.eventsLost({ partition, count: result.lost });
    return;
  }
  let b = buffered.get(partition);
  if (!b) {
    b = new BufferedReceiver(receiver, app.config.blockIntervalMs, app.config.maxBlockBytes, app.clock, app.log);
    buffered.set(partition, b);
  }
  await b.receive(events);
}

/** Stores what unreliable receivers still buffer (on shutdown). */
export async function flushReceivers(): Promise<void> {
  await Promise.all([...buffered.values()].map((b) => b.close()));
  buffered.clear();
  reliable.clear();
  const reader = hubReader;
  hubReader = undefined;
  await reader?.close();
}

function reliableFor(app: AppContext, partition: string): ReliableReceiver {
  let r = reliable.get(partition);
  if (!r) {
    const { config, storage } = app;
    r = new ReliableReceiver(
      new BlockStore(storage.blocks, config.streamName),
      new CheckpointStore(storage.wal, config.streamName),
      { source: DEFAULT_SOURCE, partition, blockIntervalMs: config.blockIntervalMs, maxBlockBytes: config.maxBlockBytes, owner: instanceName(), hub: hubReaderOf(app) },
      app.clock, app.log,
    );
    reliable.set(partition, r);
  }
  return r;
}

/** One gap-fill client per process, made on first use (most processes never see a gap). */
function hubReaderOf(app: AppContext): EventHubRangeReader {
  hubReader ??= new EventHubRangeReader({
    connection: () => readConnection(EVENT_HUB_CONNECTION),
    eventHubName: app.config.eventHubName,
    consumerGroup: app.config.gapConsumerGroup,
  });
  return hubReader;
}
