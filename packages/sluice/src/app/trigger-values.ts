/**
 * Scalars of the Event Hubs trigger's binding data, in every encoding the real path produces.
 * Each reader returns the value or throws an error naming the field and the value: the receiver
 * never guesses, because a wrong guess is stored data or a skipped event.
 */

/** A protobuf int64 as protobufjs decodes it (`Long`), or its plain-object copy. */
interface LongLike {
  readonly low: number;
  readonly high: number;
  readonly unsigned?: boolean;
}

function isLongLike(value: unknown): value is LongLike {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return Number.isInteger(v.low) && Number.isInteger(v.high) && (v.unsigned === undefined || typeof v.unsigned === 'boolean');
}

/**
 * A sequence number: a number, a numeric string, a bigint, or a Long-like object.
 * The host sends `long[]` as `collectionSint64` (azure-functions-host,
 * src/WebJobs.Script.Grpc/MessageExtensions/GrpcMessageConversionExtensions.cs, ToRpcLongArray);
 * the Node worker decodes the gRPC stream with @grpc/proto-loader without a `longs` option
 * (azure-functions-nodejs-worker, src/GrpcClient.ts), so each element is a protobufjs `Long`;
 * @azure/functions then copies metadata objects key by key (azure-functions-nodejs-library,
 * src/converters/toCamelCase.ts), leaving plain `{ low, high, unsigned }` objects.
 * `Number()` of such an object is NaN, which would compare as "not newer" and silently skip data.
 */
export function sequenceNumberOf(value: unknown, field: string): number {
  let n: number | undefined;
  if (typeof value === 'number') n = value;
  else if (typeof value === 'bigint') n = value <= BigInt(Number.MAX_SAFE_INTEGER) && value >= 0n ? Number(value) : Number.NaN;
  else if (typeof value === 'string' && /^\d+$/.test(value.trim())) n = Number(value.trim());
  else if (isLongLike(value)) n = longValue(value);
  if (n === undefined || !Number.isSafeInteger(n) || n < 0) {
    throw new Error(`${field} is ${describe(value)}: a sequence number must be a non-negative integer (number, numeric string, bigint or Long)`);
  }
  return n;
}

/** A Long's value as a number, NaN outside 0..2^53-1. */
function longValue(value: LongLike): number {
  // In 0..2^53-1 the high word is 0..2^21-1 (signed or not) and plain arithmetic is exact; every
  // other 64-bit value is negative or too large. No BigInt per event.
  const high = value.unsigned === true ? value.high >>> 0 : value.high;
  return high >= 0 && high < 2 ** 21 ? high * 2 ** 32 + (value.low >>> 0) : Number.NaN;
}

/** An offset: a string (the extension's OffsetArray) or a number / Long (its SystemProperties.Offset is a long). */
export function offsetOf(value: unknown, field: string): string {
  if (typeof value === 'string' && value.length > 0) return value;
  if (typeof value === 'number' && Number.isSafeInteger(value)) return String(value);
  if (typeof value === 'bigint' || isLongLike(value)) return String(sequenceNumberOf(value, field));
  throw new Error(`${field} is ${describe(value)}: an offset must be a non-empty string or an integer`);
}

const DOTNET_DATE = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:\d{2})?$/;

/**
 * An enqueued time as milliseconds since the epoch. The extension hands over
 * `EventData.EnqueuedTime.DateTime` (azure-sdk-for-net,
 * sdk/eventhub/Microsoft.Azure.WebJobs.Extensions.EventHubs/src/Triggers/EventHubTriggerBindingStrategy.cs),
 * a DateTime of kind Unspecified, which Json.NET writes without a zone ("2024-05-01T10:00:00.1234567").
 * The value is UTC, but `Date.parse` reads a zoneless date-time as local time, so a missing zone
 * is read as UTC here; an explicit zone is honoured. Fractions beyond milliseconds are truncated.
 */
export function enqueuedTimeOf(value: unknown, field: string): number {
  if (value instanceof Date && !Number.isNaN(value.getTime())) return value.getTime();
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value === 'string') {
    const m = DOTNET_DATE.exec(value.trim());
    if (m) {
      const [, y, mo, d, h, mi, s, frac, zone] = m;
      const ms = Number((frac ?? '').padEnd(3, '0').slice(0, 3));
      let t = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s), ms);
      if (zone && zone !== 'Z') {
        const sign = zone.startsWith('-') ? -1 : 1;
        t -= sign * (Number(zone.slice(1, 3)) * 60 + Number(zone.slice(4, 6))) * 60_000;
      }
      if (!Number.isNaN(t)) return t;
    }
  }
  throw new Error(`${field} is ${describe(value)}: an enqueued time must be an ISO 8601 / .NET date-time string (zone optional, UTC assumed) or a Date`);
}

/** The value as an error message shows it: type and a bounded rendering. */
export function describe(value: unknown): string {
  let text: string;
  try {
    text = typeof value === 'bigint' ? `${value}n` : JSON.stringify(value) ?? String(value);
  } catch {
    text = String(value);
  }
  if (text.length > 80) text = `${text.slice(0, 77)}...`;
  return `${value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value} ${text}`;
}
