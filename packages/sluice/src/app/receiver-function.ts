import azf from '@azure/functions';
import type { InvocationContext } from '@azure/functions';
import { eventsOfTrigger, type EventHubTriggerMetadata } from './event-hub-batch.js';
import type { StreamRuntime } from './stream-runtime.js';
import type { ResolvedSource } from './stream-sources.js';

/**
 * The receiver of one source of one stream: one invocation per batch of one partition's events. In
 * reliable mode it returns only when blocks, WAL records and checkpoint are durable, because the
 * extension checkpoints after return even on error.
 */
export function receiverHandler(stream: StreamRuntime, source: string): (bodies: unknown[], context: InvocationContext) => Promise<void> {
  return async (bodies, context) => {
    const { partition, events } = eventsOfTrigger(bodies, context.triggerMetadata as EventHubTriggerMetadata);
    await stream.receive(source, partition, events);
  };
}

// No IncludeEmptyEntriesInMessagePayload capability: the receiver takes partition keys from
// SystemPropertiesArray, where the extension sets PartitionKey (null when absent) for every event
// (azure-sdk-for-net, sdk/eventhub/Microsoft.Azure.WebJobs.Extensions.EventHubs/src/Triggers/EventHubTriggerBindingStrategy.cs,
// GetSystemPropertiesForBinding), so PartitionKeyArray's dropped empties never shift a key. With it,
// the host sends a missing key as "" (azure-functions-host, GrpcMessageConversionExtensions.cs,
// ToRpcStringArray) and the library's JSON.parse of it throws, a caught SyntaxError per keyless event
// (azure-functions-nodejs-library, src/converters/fromRpcTypedData.ts, tryJsonParse).

/** Registers the Event Hubs trigger of one source, with the hub and group names already resolved. */
export function registerReceiver(stream: StreamRuntime, source: ResolvedSource): void {
  azf.app.eventHub(stream.functions.receiver(source.named ? source.source : undefined), {
    connection: source.connection,
    eventHubName: source.eventHubName,
    consumerGroup: source.consumerGroup,
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
    handler: receiverHandler(stream, source.source),
  });
}
