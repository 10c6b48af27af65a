import type { ReceivedEvent } from '../receiver/received-event.js';
import { describe, enqueuedTimeOf, offsetOf, sequenceNumberOf } from './trigger-values.js';

/**
 * The Event Hubs trigger's binding data (cardinality many), as @azure/functions hands it to a
 * handler: the extension's keys with the first letter lower-cased, recursively
 * (azure-functions-nodejs-library, src/converters/fromRpcTriggerMetadata.ts and toCamelCase.ts).
 * Every field is `unknown` on purpose: each is checked, never trusted.
 */
export interface EventHubTriggerMetadata {
  readonly partitionContext?: unknown;
  readonly sequenceNumberArray?: unknown;
  readonly offsetArray?: unknown;
  readonly enqueuedTimeUtcArray?: unknown;
  readonly partitionKeyArray?: unknown;
  readonly propertiesArray?: unknown;
  readonly systemPropertiesArray?: unknown;
}

/**
 * Maps one trigger invocation to the receiver's events, byte-exact, or throws.
 *
 * Bodies must be bytes: the trigger declares `dataType: 'binary'`, so the host binds `byte[][]`
 * (azure-functions-host, src/WebJobs.Script/Binding/GeneralScriptBindingProvider.cs, ParseDataType)
 * and sends it as `collectionBytes`, which the library turns into Buffers
 * (azure-functions-nodejs-library, src/converters/fromRpcTypedData.ts). Any other shape means a
 * body went through the library's lenient JSON.parse, which cannot be undone exactly (integers
 * above 2^53, number spellings, the JSON string "abc"), so it fails the invocation, and the retry
 * policy, not a silent rewrite, deals with it.
 */
export function eventsOfTrigger(bodies: unknown, metadata: EventHubTriggerMetadata | undefined): { partition: string; events: ReceivedEvent[] } {
  const partition = partitionOf(metadata?.partitionContext);
  if (!Array.isArray(bodies)) throw new Error(`Event Hubs trigger input is ${describe(bodies)}, not an array of bodies; is cardinality "many" set?`);
  const count = bodies.length;
  const m = metadata ?? {};
  const seqs = arrayOf(m.sequenceNumberArray, 'sequenceNumberArray', count, true)!;
  const offsets = arrayOf(m.offsetArray, 'offsetArray', count, true)!;
  const times = arrayOf(m.enqueuedTimeUtcArray, 'enqueuedTimeUtcArray', count, true)!;
  const props = arrayOf(m.propertiesArray, 'propertiesArray', count, false);
  const system = arrayOf(m.systemPropertiesArray, 'systemPropertiesArray', count, false);
  const keys = partitionKeysOf(m.partitionKeyArray, system, count);
  const eventAt = (i: number, name: (field: string) => string): ReceivedEvent => ({
    body: bodyBytes(bodies[i], i),
    sequenceNumber: sequenceNumberOf(seqs[i], name('sequenceNumberArray')),
    offset: offsetOf(offsets[i], name('offsetArray')),
    enqueuedTime: enqueuedTimeOf(times[i], name('enqueuedTimeUtcArray')),
    partitionKey: keys[i] ?? null,
    properties: recordOf(props?.[i], name('propertiesArray')),
    systemProperties: recordOf(system?.[i], name('systemPropertiesArray')),
  });
  const events = new Array<ReceivedEvent>(count);
  for (let i = 0; i < count; i++) {
    try {
      events[i] = eventAt(i, bare);
    } catch {
      // Converting is pure, so running it again with indexed field names throws the same error,
      // naming the event; a valid batch never builds those names (five strings per event).
      events[i] = eventAt(i, (field) => `${field}[${i}]`);
    }
  }
  return { partition, events };
}

const bare = (field: string): string => field;

function partitionOf(context: unknown): string {
  const id = typeof context === 'object' && context !== null ? (context as Record<string, unknown>).partitionId : undefined;
  if (typeof id === 'string' && id.length > 0) return id;
  throw new Error(`Event Hubs trigger metadata has no partitionContext.partitionId (got ${describe(context)}); is cardinality "many" set?`);
}

/** A metadata array that must line up with the bodies one to one. */
function arrayOf(value: unknown, field: string, count: number, required: boolean): readonly unknown[] | undefined {
  if (value === undefined || value === null) {
    if (required) throw new Error(`Event Hubs trigger metadata has no ${field} for ${count} events`);
    return undefined;
  }
  if (!Array.isArray(value)) throw new Error(`Event Hubs trigger metadata ${field} is ${describe(value)}, not an array`);
  if (value.length !== count) throw new Error(`Event Hubs trigger metadata has ${value.length} entries in ${field} for ${count} events`);
  return value;
}

function bodyBytes(body: unknown, i: number): Uint8Array {
  if (body instanceof Uint8Array) return body;
  if (body instanceof ArrayBuffer) return new Uint8Array(body);
  throw new Error(
    `event body ${i} arrived as ${describe(body)}, not bytes: the receiver must be registered with dataType "binary", ` +
      'because a text body the library has JSON-parsed cannot be restored exactly',
  );
}

function recordOf(value: unknown, field: string): Readonly<Record<string, unknown>> {
  if (value === undefined || value === null) return {};
  if (typeof value === 'object' && !Array.isArray(value)) return value as Record<string, unknown>;
  throw new Error(`Event Hubs trigger metadata ${field} is ${describe(value)}, not an object`);
}

function keyOf(value: unknown, field: string): string | null {
  if (value === undefined || value === null || value === '') return null;
  if (typeof value === 'string') return value;
  throw new Error(
    `${field} is ${describe(value)}: a partition key must be a string or null; the library JSON-parses the host's string ` +
      'collections, and a key that looked like JSON cannot be restored exactly',
  );
}

/**
 * Partition keys, matched to their events with certainty or not at all.
 *
 * The system properties are read first: the extension sets PartitionKey in every event's
 * (azure-sdk-for-net, EventHubTriggerBindingStrategy.cs, GetSystemPropertiesForBinding), and the
 * host sends them as JSON (a dictionary array, so azure-functions-host
 * GrpcMessageConversionExtensions.cs ToRpcDefault), which keeps nulls and strings exact.
 * PartitionKeyArray is a `string[]`, sent as `collectionString`: the host drops null and empty
 * entries unless the worker declares IncludeEmptyEntriesInMessagePayload (ToRpcStringArray;
 * Sluice's app does not, see functions/receiver.ts), and the library JSON-parses each entry
 * (fromRpcTypedData.ts), so a key such as "123" arrives as a number. It is used only when the
 * system properties lack a key and it lines up and every entry is still a string.
 */
function partitionKeysOf(value: unknown, system: readonly unknown[] | undefined, count: number): (string | null)[] {
  const fromSystem = system?.map((sp, i) => systemKeyOf(sp, i));
  if (fromSystem && !fromSystem.includes(undefined)) return fromSystem as (string | null)[];
  if (value === undefined || value === null) value = [];
  if (!Array.isArray(value)) throw new Error(`Event Hubs trigger metadata partitionKeyArray is ${describe(value)}, not an array`);
  // An empty collection means every key was null or empty: nothing else is dropped.
  if (value.length === 0) return new Array<string | null>(count).fill(null);
  if (value.length !== count) {
    throw new Error(
      `Event Hubs trigger metadata has ${value.length} partition keys for ${count} events (the host dropped null or empty keys) ` +
        'and the system properties cannot tell which event each belongs to; refusing to guess',
    );
  }
  return value.map((k, i) => keyOf(k, `partitionKeyArray[${i}]`));
}

/** An event's partition key from its system properties, or undefined when they do not say. */
function systemKeyOf(sp: unknown, i: number): string | null | undefined {
  if (typeof sp !== 'object' || sp === null) return undefined;
  const rec = sp as Record<string, unknown>;
  if ('partitionKey' in rec) return keyOf(rec.partitionKey, `systemPropertiesArray[${i}].partitionKey`);
  if ('x-opt-partition-key' in rec) return keyOf(rec['x-opt-partition-key'], `systemPropertiesArray[${i}].x-opt-partition-key`);
  return undefined;
}
