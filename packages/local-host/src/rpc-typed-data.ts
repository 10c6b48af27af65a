import type { RpcTypedData } from './functions-core-types.js';

/**
 * A value a trigger has already encoded exactly as the host would (see eventhub-rpc-encodings.ts):
 * sent as is, for trigger values and trigger metadata alike.
 */
export class RpcEncoded {
  constructor(readonly data: RpcTypedData) {}
}

/**
 * Host-side conversions between values and RPC TypedData. They follow what the Functions host
 * sends: strings as `string`, bytes as `bytes`, arrays of strings/bytes/numbers as collections and
 * anything else as `json` (the library JSON-parses strings and collections on its side).
 */
export function toHostTypedData(value: unknown): RpcTypedData | undefined {
  if (value instanceof RpcEncoded) return value.data;
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') return { string: value };
  if (value instanceof Uint8Array) return { bytes: value };
  if (value instanceof ArrayBuffer) return { bytes: new Uint8Array(value) };
  if (typeof value === 'number') return Number.isInteger(value) ? { int: value } : { double: value };
  if (Array.isArray(value) && value.length > 0) {
    if (value.every((v) => typeof v === 'string')) return { collectionString: { string: value as string[] } };
    if (value.every((v) => v instanceof Uint8Array)) return { collectionBytes: { bytes: value as Uint8Array[] } };
    if (value.every((v) => typeof v === 'number')) return { collectionDouble: { double: value as number[] } };
  }
  return { json: JSON.stringify(value) };
}

/** Decodes a returned TypedData the way the host reads a return value (HTTP data stays as is). */
export function fromHostTypedData(data: RpcTypedData | null | undefined): unknown {
  if (!data) return undefined;
  if (data.string !== undefined && data.string !== null) return data.string;
  if (data.json !== undefined && data.json !== null) return JSON.parse(data.json);
  if (data.bytes) return Buffer.from(data.bytes);
  if (data.stream) return Buffer.from(data.stream);
  if (data.http) return data.http;
  if (data.int !== undefined && data.int !== null) return Number(data.int);
  if (data.double !== undefined && data.double !== null) return data.double;
  if (data.collectionString?.string) return data.collectionString.string;
  if (data.collectionBytes?.bytes) return data.collectionBytes.bytes.map((b) => Buffer.from(b));
  if (data.collectionDouble?.double) return data.collectionDouble.double;
  if (data.collectionSint64?.sint64) return data.collectionSint64.sint64.map(Number);
  return undefined;
}
