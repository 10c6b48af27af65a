import type { Clock } from '../util/clock.js';
import type { Logger } from '../util/log.js';
import { bodyByteLength } from './event-body.js';
import type { ReceivedEvent } from './received-event.js';
import type { ReceiveResult, ReliableReceiver } from './reliable-receiver.js';

/**
 * Unreliable mode (SLUICE_RECEIVER_WAL=unreliable): receive() only buffers and returns, and the
 * buffer is stored every block interval, or at once when it reaches maxBlockBytes. Throughput is
 * higher because a call never waits for storage; the price is the data-loss window: events the
 * trigger has acknowledged but that sit in this buffer (at most one block interval plus one flush)
 * are lost if the process dies.
 */
export class BufferedReceiver {
  private buffer: ReceivedEvent[] = [];
  private bufferedBytes = 0;
  private flushing: Promise<ReceiveResult | undefined> = Promise.resolve(undefined);
  private readonly stop = new AbortController();
  private loop: Promise<void> | undefined;

  constructor(
    private readonly inner: ReliableReceiver,
    private readonly blockIntervalMs: number,
    private readonly maxBlockBytes: number,
    private readonly clock: Clock,
    private readonly log: Logger,
  ) {}

  /** Starts the block-interval flush loop. */
  start(): void {
    this.loop ??= this.run();
  }

  async receive(events: readonly ReceivedEvent[]): Promise<void> {
    this.start();
    for (const e of events) {
      this.buffer.push(e);
      this.bufferedBytes += bodyByteLength(e.body);
    }
    // Back-pressure: a full buffer is stored before the call returns.
    if (this.bufferedBytes >= this.maxBlockBytes) await this.flush();
  }

  get pending(): number {
    return this.buffer.length;
  }

  /** Stores whatever is buffered now; flushes never overlap, so checkpoints stay in order. */
  flush(): Promise<ReceiveResult | undefined> {
    this.flushing = this.flushing.then(async () => {
      if (this.buffer.length === 0) return undefined;
      const events = this.buffer;
      this.buffer = [];
      this.bufferedBytes = 0;
      try {
        return await this.inner.receive(events);
      } catch (err) {
        this.buffer = events.concat(this.buffer); // keep them for the next flush
        this.bufferedBytes = this.buffer.reduce((n, e) => n + bodyByteLength(e.body), 0);
        this.log.error('unreliable receiver flush failed; events stay buffered', { error: String(err), buffered: this.buffer.length });
        return undefined;
      }
    });
    return this.flushing;
  }

  /** Stops the loop and stores the rest of the buffer. */
  async close(): Promise<void> {
    this.stop.abort();
    await this.loop;
    await this.flush();
  }

  private async run(): Promise<void> {
    while (!this.stop.signal.aborted) {
      const now = this.clock.now();
      await this.clock.sleepUntil(now - (now % this.blockIntervalMs) + this.blockIntervalMs, this.stop.signal);
      if (!this.stop.signal.aborted) await this.flush();
    }
  }
}
