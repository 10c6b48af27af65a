import type { RpcTypedData } from './functions-core-types.js';

/**
 * How the real Functions host encodes an Event Hubs batch (cardinality many) for a Node worker:
 * the fixture table the local host follows, so what the receiver sees locally is what it sees in
 * Azure. Sources (read at the commits named in docs/guarantees.md):
 *
 * - Binding data: azure-sdk-for-net,
 *   sdk/eventhub/Microsoft.Azure.WebJobs.Extensions.EventHubs/src/Triggers/EventHubTriggerBindingStrategy.cs
 *   (AddBindingData: the .NET types below; enqueued times are `EnqueuedTime.DateTime`, kind
 *   Unspecified; system properties add SequenceNumber, Offset, PartitionKey, EnqueuedTimeUtc).
 * - Body type: azure-functions-host, src/WebJobs.Script/Binding/GeneralScriptBindingProvider.cs
 *   (dataType binary -> byte[], string -> string; cardinality many makes it an array).
 * - RPC encoding: azure-functions-host,
 *   src/WebJobs.Script.Grpc/MessageExtensions/GrpcMessageConversionExtensions.cs (ToRpc): with the
 *   worker's TypedDataCollection capability, byte[][] -> collectionBytes (null entries skipped),
 *   string[] -> collectionString (null and empty entries skipped unless the worker declares
 *   IncludeEmptyEntriesInMessagePayload; with it, null is sent as ""), long[] -> collectionSint64,
 *   anything else -> json via JsonConvert.SerializeObject (Json.NET: a DateTime of kind
 *   Unspecified is written "yyyy-MM-ddTHH:mm:ss.FFFFFFF", without a zone).
 * - Worker capabilities: azure-functions-nodejs-worker, src/eventHandlers/getWorkerCapabilities.ts
 *   (TypedDataCollection on; IncludeEmptyEntriesInMessagePayload only if the app adds it).
 * - Decoding in the worker: azure-functions-nodejs-worker, src/GrpcClient.ts (proto-loader
 *   without `longs`, so sint64 values are protobufjs Long objects).
 */
export type RpcEncoding = 'collectionBytes' | 'collectionString' | 'collectionSint64' | 'json';

export interface EncodingRule {
  /** The binding data key, in the host's casing ("(trigger)" for the bodies). */
  readonly field: string;
  /** The .NET type the extension puts there. */
  readonly dotnetType: string;
  readonly encoding: RpcEncoding;
}

export const EVENT_HUB_BATCH_ENCODINGS: readonly EncodingRule[] = [
  { field: '(trigger) dataType binary', dotnetType: 'byte[][]', encoding: 'collectionBytes' },
  { field: '(trigger) dataType string or unset', dotnetType: 'string[]', encoding: 'collectionString' },
  { field: 'PartitionContext', dotnetType: 'PartitionContext', encoding: 'json' },
  { field: 'PartitionKeyArray', dotnetType: 'string[]', encoding: 'collectionString' },
  { field: 'OffsetArray', dotnetType: 'string[]', encoding: 'collectionString' },
  { field: 'SequenceNumberArray', dotnetType: 'long[]', encoding: 'collectionSint64' },
  { field: 'EnqueuedTimeUtcArray', dotnetType: 'DateTime[]', encoding: 'json' },
  { field: 'PropertiesArray', dotnetType: 'IDictionary<string, object>[]', encoding: 'json' },
  { field: 'SystemPropertiesArray', dotnetType: 'IDictionary<string, object>[]', encoding: 'json' },
];

/** The capabilities the Node worker declares itself (getWorkerCapabilities.ts). */
export const NODE_WORKER_CAPABILITIES: Readonly<Record<string, string>> = {
  RawHttpBodyBytes: 'true',
  RpcHttpTriggerMetadataRemoved: 'true',
  RpcHttpBodyOnly: 'true',
  IgnoreEmptyValuedRpcHttpHeaders: 'true',
  UseNullableValueDictionaryForHttp: 'true',
  WorkerStatus: 'true',
  TypedDataCollection: 'true',
  HandlesWorkerTerminateMessage: 'true',
};

export const INCLUDE_EMPTY_ENTRIES = 'IncludeEmptyEntriesInMessagePayload';

/** The host's test for a capability: present and not blank. */
export function hasCapability(capabilities: Readonly<Record<string, string>>, name: string): boolean {
  return (capabilities[name] ?? '').trim() !== '';
}

/** ToRpcStringArray: drops null and empty entries unless includeEmpty, which sends null as "". */
export function collectionString(values: readonly (string | null | undefined)[], includeEmpty: boolean): RpcTypedData {
  const kept = includeEmpty ? values.map((v) => v ?? '') : values.filter((v): v is string => v !== null && v !== undefined && v !== '');
  return { collectionString: { string: kept } };
}

/** ToRpcByteArray: null entries are skipped, empty ones kept. */
export function collectionBytes(values: readonly (Uint8Array | null | undefined)[]): RpcTypedData {
  return { collectionBytes: { bytes: values.filter((v): v is Uint8Array => v !== null && v !== undefined) } };
}

/** A protobufjs Long's fields, as the worker's decoder produces them for sint64. */
export interface LongFields {
  readonly low: number;
  readonly high: number;
  readonly unsigned: boolean;
}

const TWO_32 = 2 ** 32;

export function longOf(n: number | bigint): LongFields {
  // Sequence numbers are non-negative safe integers: split them with plain arithmetic, which is
  // exact there, and keep BigInt (slow, allocating) for everything else.
  if (typeof n === 'number' && Number.isSafeInteger(n) && n >= 0) return { low: n % TWO_32 | 0, high: Math.floor(n / TWO_32) | 0, unsigned: false };
  const big = BigInt.asUintN(64, BigInt(n));
  return { low: Number(big & 0xffffffffn) | 0, high: Number(big >> 32n) | 0, unsigned: false };
}

/** ToRpcLongArray, as the Node worker decodes it: Long objects. */
export function collectionSint64(values: readonly (number | bigint)[]): RpcTypedData {
  return { collectionSint64: { sint64: values.map(longOf) as unknown as number[] } };
}

/** ToRpcDefault: Json.NET serialization. */
export function json(value: unknown): RpcTypedData {
  return { json: JSON.stringify(value) };
}

/**
 * A UTC instant, as Date.toISOString formats it ("2024-05-01T10:00:00.120Z"), the way Json.NET
 * writes a DateTime of kind Unspecified: no zone, trailing zero fraction digits dropped.
 */
export function zonelessOfIso(iso: string): string {
  // Cut the zone and the fraction's trailing zeros (and the dot when nothing is left) in one slice.
  let end = iso.length - 1;
  while (iso.charCodeAt(end - 1) === 0x30 /* 0 */) end--;
  if (iso.charCodeAt(end - 1) === 0x2e /* . */) end--;
  return iso.slice(0, end);
}
