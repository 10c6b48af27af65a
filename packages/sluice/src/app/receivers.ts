import { instanceName, readConnection } from '../config/config.js';
import { BlockStore } from '../receiver/block-store.js';
import { BufferedReceiver } from '../receiver/buffered-receiver.js';
import type { ReceivedEvent } from '../receiver/received-event.js';
import { ReliableReceiver } from '../receiver/reliable-receiver.js';
import { CheckpointStore } from '../wal/checkpoint-store.js';
import { EventHubRangeReader } from './event-hub-range-reader.js';
import type { StreamContext } from './stream-context.js';
import type { ResolvedSource } from './stream-sources.js';

/**
 * One stream's receivers in this process: one per source and partition, kept across invocations,
 * because the reliable receiver keeps the checkpoint's etag between calls and the unreliable one
 * keeps its buffer. Gap fill gets one hub client per source, made on first use (most processes
 * never see a gap).
 */
export class StreamReceivers {
  private readonly reliable = new Map<string, ReliableReceiver>();
  private readonly buffered = new Map<string, BufferedReceiver>();
  private readonly hubReaders = new Map<string, EventHubRangeReader>();

  constructor(private readonly app: StreamContext) {}

  async receive(source: ResolvedSource, partition: string, events: readonly ReceivedEvent[]): Promise<void> {
    const { app } = this;
    const receiver = this.reliableFor(source, partition);
    if (app.config.receiverMode === 'reliable') {
      const result = await receiver.receive(events);
      if (result.redeliveries > 0 || result.conflicts > 0 || result.filled > 0 || result.lost > 0) app.log.info('receiver stored events', { source: source.source, partition, ...result });
      if (result.lost > 0) app.telemetry.eventsLost({ source: source.source, eventHubName: source.eventHubName, partition, count: result.lost });
      return;
    }
    const key = keyOf(source, partition);
    let b = this.buffered.get(key);
    if (!b) {
      b = new BufferedReceiver(receiver, app.config.blockIntervalMs, app.config.maxBlockBytes, app.clock, app.log);
      this.buffered.set(key, b);
    }
    await b.receive(events);
  }

  /** Stores what unreliable receivers still buffer and closes the gap-fill clients (on shutdown). */
  async flush(): Promise<void> {
    const buffered = [...this.buffered.values()];
    const readers = [...this.hubReaders.values()];
    this.buffered.clear();
    this.reliable.clear();
    this.hubReaders.clear();
    const results = await Promise.allSettled([...buffered.map((b) => b.close()), ...readers.map((r) => r.close())]);
    const failed = results.flatMap((r) => (r.status === 'rejected' ? [r.reason as unknown] : []));
    if (failed.length > 0) throw new AggregateError(failed, `stream "${this.app.config.streamName}": ${failed.length} receiver(s) failed to flush`);
  }

  private reliableFor(source: ResolvedSource, partition: string): ReliableReceiver {
    const key = keyOf(source, partition);
    let r = this.reliable.get(key);
    if (!r) {
      const { config, storage } = this.app;
      r = new ReliableReceiver(
        new BlockStore(storage.blocks, config.streamName),
        new CheckpointStore(storage.wal, config.streamName),
        { source: source.source, partition, blockIntervalMs: config.blockIntervalMs, maxBlockBytes: config.maxBlockBytes, owner: instanceName(), hub: this.hubReaderOf(source) },
        this.app.clock, this.app.log,
      );
      this.reliable.set(key, r);
    }
    return r;
  }

  private hubReaderOf(source: ResolvedSource): EventHubRangeReader {
    let reader = this.hubReaders.get(source.source);
    if (!reader) {
      reader = new EventHubRangeReader({
        connection: () => readConnection(source.connection),
        connectionName: source.connection,
        eventHubName: source.eventHubName,
        consumerGroup: source.gapConsumerGroup,
      });
      this.hubReaders.set(source.source, reader);
    }
    return reader;
  }
}

/** Source names have no "/" (stream-sources.ts), so the key is unambiguous. */
const keyOf = (source: ResolvedSource, partition: string): string => `${source.source}/${partition}`;
