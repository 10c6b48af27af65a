import azf from '@azure/functions';
import type { InvocationContext } from '@azure/functions';
import { appContext } from '../src/app/app-context.js';
import { eventsOfTrigger, type EventHubTriggerMetadata } from '../src/app/event-hub-batch.js';
import { receive } from '../src/app/receivers.js';

/**
 * The receiver: one invocation per batch of one partition's events. In reliable mode it returns
 * only when blocks, WAL records and checkpoint are durable, because the extension checkpoints
 * after return even on error; the retry policy retries a transient storage failure first.
 */
export async function receiverHandler(bodies: unknown[], context: InvocationContext): Promise<void> {
  const { partition, events } = eventsOfTrigger(bodies, context.triggerMetadata as EventHubTriggerMetadata);
  await receive(appContext(), partition, events);
}

azf.app.eventHub('sluiceReceiver', {
  connection: 'EventHubConnection',
  eventHubName: '%SLUICE_EVENTHUB_NAME%',
  consumerGroup: '%SLUICE_CONSUMER_GROUP%',
  cardinality: 'many',
  retry: { strategy: 'exponentialBackoff', maxRetryCount: 5, minimumInterval: { seconds: 1 }, maximumInterval: { seconds: 30 } },
  handler: receiverHandler,
});
