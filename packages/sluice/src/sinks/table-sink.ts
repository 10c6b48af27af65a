import { MAX_TRANSACTION_OPERATIONS, type Entity, type TableOperation } from '../ports/entity-table.js';
import type { Sink, SinkContext } from './sink.js';

/**
 * Upserts one entity per key into the output table: PartitionKey = the sink's partition (default
 * the stream name), RowKey = the key, `value` = the value (JSON text unless it is a string, number
 * or boolean) and `batchTime`. Replacing rows by key makes a replayed batch rewrite, never add.
 */
export class TableSink<K, V> implements Sink<[K, V]> {
  readonly name: string;

  constructor(private readonly partition?: string) {
    this.name = `table:${partition ?? 'stream'}`;
  }

  async write(records: readonly (readonly [K, V])[], ctx: SinkContext): Promise<string> {
    const partitionKey = this.partition ?? ctx.stream;
    const rows = new Map<string, Entity>();
    for (const [key, value] of records) {
      const rowKey = encodeRowKey(key);
      rows.set(rowKey, { partitionKey, rowKey, key: typeof key === 'string' ? key : JSON.stringify(key), value: scalar(value), batchTime: ctx.time });
    }
    const ops: TableOperation[] = [...rows.values()].map((entity) => ({ kind: 'upsert', entity }));
    for (let i = 0; i < ops.length; i += MAX_TRANSACTION_OPERATIONS) await ctx.storage.outputTable.transact(ops.slice(i, i + MAX_TRANSACTION_OPERATIONS));
    return `table:${partitionKey}`;
  }
}

function scalar(value: unknown): string | number | boolean {
  return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' ? value : JSON.stringify(value);
}

/** RowKeys may not hold / \ # ? or control characters; percent-encode those (and %). */
export function encodeRowKey(key: unknown): string {
  const text = typeof key === 'string' ? key : JSON.stringify(key);
  return text.replace(/[%/\\#?\u0000-\u001f\u007f-\u009f]/g, (c) => `%${c.charCodeAt(0).toString(16).padStart(2, '0').toUpperCase()}`);
}
