import rhea, { type Sender } from 'rhea';
import type { Clock } from 'sluice';
import type { HubError } from '../amqp-errors.js';
import { withDeliveryAnnotations } from '../event-codec.js';
import type { PartitionLog } from '../partition-log.js';
import type { OwnedReader, ReaderOwnership } from '../reader-ownership.js';

export const RUNTIME_METRIC_CAPABILITY = 'com.microsoft:enable-receiver-runtime-metric';

export interface ReaderOptions {
  log: PartitionLog;
  ownership: ReaderOwnership;
  /** Consumer group and partition, for ownership. */
  ownershipKey: string;
  epoch: number | undefined;
  firstSequenceNumber: number;
  runtimeMetrics: boolean;
  clock: Clock;
}

/**
 * Serves a client's receiver (our sending end) on one partition: sends retained events from
 * a cursor, never beyond the credit the client granted, and wakes on new events and credit.
 */
export class PartitionReader implements OwnedReader {
  readonly epoch: number | undefined;
  private cursor: number;
  private stopped = false;
  private unsubscribe: () => void = () => {};

  constructor(
    private readonly sender: Sender,
    private readonly options: ReaderOptions,
  ) {
    this.epoch = options.epoch;
    this.cursor = options.firstSequenceNumber;
  }

  /** Called once ownership is granted, so a refused reader never listens. */
  start(): void {
    this.unsubscribe = this.options.log.onAppend(() => this.pump());
    this.sender.on('sendable', () => this.pump());
    this.pump();
  }

  /** Sends while there is credit and something to send. */
  pump(): void {
    const { log } = this.options;
    while (!this.stopped && this.cursor < log.nextSequence && this.sender.sendable()) {
      const event = log.get(this.cursor);
      if (!event) {
        // Expired by retention while we lagged: skip ahead, as the service does.
        this.cursor = Math.max(this.cursor + 1, log.beginSequenceNumber);
        continue;
      }
      this.sender.send(this.options.runtimeMetrics ? withDeliveryAnnotations(event.bytes, this.runtimeInfo()) : event.bytes, undefined, 0);
      this.cursor++;
    }
  }

  evict(error: HubError): void {
    this.stop();
    this.sender.close(error.toAmqp());
  }

  /** Idempotent: detaches from the log and gives up ownership. */
  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    this.unsubscribe();
    this.options.ownership.release(this.options.ownershipKey, this);
  }

  private runtimeInfo(): Record<string, unknown> {
    const s = this.options.log.state;
    return {
      last_enqueued_sequence_number: rhea.types.wrap_long(s.lastSequenceNumber),
      last_enqueued_offset: s.lastOffset,
      last_enqueued_time_utc: rhea.types.wrap_timestamp(s.lastEnqueuedTime),
      runtime_info_retrieval_time_utc: rhea.types.wrap_timestamp(this.options.clock.now()),
    };
  }
}
