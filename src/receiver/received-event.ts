/** One event as a receiver gets it from a partition: the fields the Event Hubs trigger delivers. */
export interface ReceivedEvent {
  readonly body: string | Uint8Array;
  readonly sequenceNumber: number;
  readonly offset: string;
  /** Milliseconds since the epoch. */
  readonly enqueuedTime: number;
  readonly partitionKey?: string | null;
  readonly properties?: Readonly<Record<string, unknown>>;
}

/** The default source name: the stream's Event Hub. */
export const DEFAULT_SOURCE = 'events';
