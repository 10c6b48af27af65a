import type { Sink, SinkContext } from './sink.js';

/**
 * Spark's saveAsTextFiles: one blob per batch, `<prefix>-<batchTimeMs>.ndjson` in the output
 * container, one JSON value per line. A [key, value] pair is written as {"key":…,"value":…}; any
 * other record as its JSON. Every batch gets a blob, empty or not, so a reader can tell "no data"
 * from "not yet written". `put` replaces, so a replayed batch rewrites the same blob.
 */
export class BlobSink<T> implements Sink<T> {
  readonly name: string;

  constructor(readonly prefix: string) {
    if (!/^[A-Za-z0-9][A-Za-z0-9/_.-]*$/.test(prefix)) throw new RangeError(`Blob sink prefix ${JSON.stringify(prefix)} must be letters, digits, "/", "_", "." and "-"`);
    this.name = `blob:${prefix}`;
  }

  blobName(time: number): string {
    return `${this.prefix}-${time}.ndjson`;
  }

  async write(records: readonly T[], ctx: SinkContext): Promise<string> {
    const lines = records.map((r) => JSON.stringify(toJsonRecord(r)));
    const name = this.blobName(ctx.time);
    await ctx.storage.output.put(name, Buffer.from(lines.length ? `${lines.join('\n')}\n` : '', 'utf8'));
    return name;
  }
}

export function toJsonRecord(record: unknown): unknown {
  return Array.isArray(record) && record.length === 2 ? { key: record[0], value: record[1] } : record;
}
