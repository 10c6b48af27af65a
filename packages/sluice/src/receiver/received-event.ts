/** One event as a receiver gets it from a partition: the fields the Event Hubs trigger delivers. */
export interface ReceivedEvent {
  /** The exact bytes sent (blocks of format 1 may hold text written before bodies were bytes). */
  readonly body: string | Uint8Array;
  readonly sequenceNumber: number;
  readonly offset: string;
  /** Milliseconds since the epoch. */
  readonly enqueuedTime: number;
  readonly partitionKey?: string | null;
  /** Application properties, as the trigger delivered them. */
  readonly properties?: Readonly<Record<string, unknown>>;
  /** System properties (x-opt-* annotations and the like), as the trigger delivered them. */
  readonly systemProperties?: Readonly<Record<string, unknown>>;
}

/** The default source name: the stream's Event Hub. */
export const DEFAULT_SOURCE = 'events';
