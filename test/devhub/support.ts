import {
  EventHubConsumerClient,
  EventHubProducerClient,
  type EventPosition,
  type ReceivedEventData,
  type Subscription,
} from '@azure/event-hubs';
import { startDevHub, type DevHub, type DevHubOptions } from '#dev-hub/dev-hub.js';

/** Fail fast in tests: one attempt, short timeouts. */
export const fastRetry = { maxRetries: 0, timeoutInMs: 5000 };

export async function withHub<T>(options: DevHubOptions, body: (hub: DevHub) => Promise<T>): Promise<T> {
  const hub = await startDevHub({ port: 0, ...options });
  try {
    return await body(hub);
  } finally {
    await hub.close();
  }
}

export interface Received {
  partitionId: string;
  event: ReceivedEventData;
}

/**
 * Subscribes to one partition (or all) and resolves once `count` events arrived; rejects on a
 * processError or after `timeoutMs`. The subscription is closed before returning.
 */
export async function receive(
  consumer: EventHubConsumerClient,
  count: number,
  options: { partitionId?: string; startPosition?: EventPosition; ownerLevel?: number; timeoutMs?: number; onSubscribed?: (s: Subscription) => void } = {},
): Promise<Received[]> {
  const got: Received[] = [];
  let subscription: Subscription | undefined;
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`received ${got.length} of ${count} events before the timeout`)), options.timeoutMs ?? 15_000);
      const handlers = {
        processEvents: async (events: ReceivedEventData[], ctx: { partitionId: string }) => {
          for (const event of events) got.push({ partitionId: ctx.partitionId, event });
          if (got.length >= count) {
            clearTimeout(timer);
            resolve();
          }
        },
        processError: async (err: Error) => {
          clearTimeout(timer);
          reject(err);
        },
      };
      const subscribeOptions = {
        startPosition: options.startPosition ?? { offset: '-1' },
        maxWaitTimeInSeconds: 1,
        maxBatchSize: 100,
        ...(options.ownerLevel !== undefined ? { ownerLevel: options.ownerLevel } : {}),
      };
      subscription =
        options.partitionId !== undefined
          ? consumer.subscribe(options.partitionId, handlers, subscribeOptions)
          : consumer.subscribe(handlers, subscribeOptions);
      options.onSubscribed?.(subscription);
    });
  } finally {
    await subscription?.close();
  }
  return got;
}

export function clients(hub: DevHub, hubName = 'pageviews', consumerGroup = '$Default') {
  const producer = new EventHubProducerClient(hub.connectionString, hubName, { retryOptions: fastRetry });
  const consumer = new EventHubConsumerClient(consumerGroup, hub.connectionString, hubName, { retryOptions: fastRetry });
  return {
    producer,
    consumer,
    close: () => Promise.all([producer.close(), consumer.close()]),
  };
}
