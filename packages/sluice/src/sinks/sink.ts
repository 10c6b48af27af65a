import type { StreamStorage } from '../ports/stream-storage.js';

export interface SinkContext {
  readonly stream: string;
  /** The batch time (ms): with the stream name, the key that makes writes idempotent. */
  readonly time: number;
  readonly storage: StreamStorage;
}

/**
 * Where a stream's batches go. A sink must be idempotent per (stream, batch time): a batch that
 * is committed again after a crash replaces its earlier write and never adds to it. That, with
 * deterministic allocation, is what makes results exactly-once.
 */
export interface Sink<T> {
  readonly name: string;
  /** Writes one batch; returns where it wrote, for the batch's WAL record and status page. */
  write(records: readonly T[], ctx: SinkContext): Promise<string | undefined>;
}
