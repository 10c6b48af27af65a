import azf from '@azure/functions';
import type { InvocationContext } from '@azure/functions';
import { appContext } from '../src/app/app-context.js';
import { eventsOfTrigger, type EventHubTriggerMetadata } from '../src/app/event-hub-batch.js';
import { EVENT_HUB_CONNECTION, receive } from '../src/app/receivers.js';

/**
 * The receiver: one invocation per batch of one partition's events. In reliable mode it returns
 * only when blocks, WAL records and checkpoint are durable, because the extension checkpoints
 * after return even on error.
 */
export async function receiverHandler(bodies: unknown[], context: InvocationContext): Promise<void> {
  const { partition, events } = eventsOfTrigger(bodies, context.triggerMetadata as EventHubTriggerMetadata);
  await receive(appContext(), partition, events);
}

// No IncludeEmptyEntriesInMessagePayload capability: the receiver takes partition keys from
// SystemPropertiesArray, where the extension sets PartitionKey (null when absent) for every event
// (azure-sdk-for-net, sdk/eventhub/Microsoft.Azure.WebJobs.Extensions.EventHubs/src/Triggers/EventHubTriggerBindingStrategy.cs,
// GetSystemPropertiesForBinding), so PartitionKeyArray's dropped empties never shift a key. With it,
// the host sends a missing key as "" (azure-functions-host, GrpcMessageConversionExtensions.cs,
// ToRpcStringArray) and the library's JSON.parse of it throws, a caught SyntaxError per keyless event
// (azure-functions-nodejs-library, src/converters/fromRpcTypedData.ts, tryJsonParse).

azf.app.eventHub('sluiceReceiver', {
  connection: EVENT_HUB_CONNECTION,
  eventHubName: '%SLUICE_EVENTHUB_NAME%',
  consumerGroup: '%SLUICE_CONSUMER_GROUP%',
  cardinality: 'many',
  // Bodies as bytes: the library spreads trigger options into the binding (azure-functions-nodejs-library,
  // src/trigger.ts and converters/toCoreFunctionMetadata.ts), the worker maps "binary" to
  // BindingInfo.DataType.binary (azure-functions-nodejs-worker, src/coreApi/converters/fromCoreFunctionMetadata.ts),
  // and the host binds byte[][] (azure-functions-host, src/WebJobs.Script/Binding/GeneralScriptBindingProvider.cs).
  ...{ dataType: 'binary' },
  // Never give up: the extension checkpoints past a batch whose retries all failed, which would
  // skip it. -1 retries until storage is back; the partition waits meanwhile ("Azure Functions
  // error handling and retries", learn.microsoft.com: Event Hubs supports maxRetryCount -1).
  retry: { strategy: 'exponentialBackoff', maxRetryCount: -1, minimumInterval: { seconds: 1 }, maximumInterval: { minutes: 1 } },
  handler: receiverHandler,
});
