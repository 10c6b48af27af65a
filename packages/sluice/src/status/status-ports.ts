import type { SluiceConfig } from '../config/config.js';
import type { StreamStorage } from '../ports/stream-storage.js';

/** What the driver is doing: the app wires this to the Durable orchestration's status. */
export interface DriverState {
  state: 'running' | 'stopped' | 'failed' | 'unknown';
  /** Why it stopped or failed, in words an operator can act on. */
  reason?: string;
  /** When it entered this state (ms since the epoch): the uptime of a running driver. */
  since?: number;
  /** Set while the driver retries a failing batch. */
  retrying?: RetryingBatch;
}

/** A batch the driver is retrying: which, how often so far, when next, and why. */
export interface RetryingBatch {
  batchTime: number;
  /** Failed attempts so far. */
  attempt: number;
  nextAt: number;
  lastError: string;
  /** When its first attempt failed. */
  since: number;
}

/** One stream as the status page sees it: its settings, its stores, and the live facts not in storage. */
export interface StreamHandle {
  /** The name in URLs; usually config.streamName. */
  name: string;
  config: Pick<SluiceConfig, 'batchIntervalMs' | 'blockIntervalMs' | 'receiverMode' | 'streamName'>;
  storage: StreamStorage;
  driver(): Promise<DriverState>;
  /** Last enqueued sequence number of a source's partition, from Event Hubs partition properties; undefined when unreachable. */
  lastEnqueued?(partition: string, source: string): Promise<number | undefined>;
}
