import { PreconditionFailedError } from '../ports/errors.js';
import type { Entity, EntityTable } from '../ports/entity-table.js';
import { batchesPartitionKey, batchRow, streamPartitionKey } from './keys.js';
import { fromColumns, toColumns } from './json-columns.js';
import type { BatchAllocated, BatchCleaned, BatchCompleted, BatchFailed, BatchRecord, BatchStatus } from './wal-events.js';

/**
 * The driver's side of the write-ahead log: one row per batch in the stream's batch partition,
 * newest first, moved through the closed set of batch events. Only the driver writes here, one
 * batch at a time, so read-modify-write needs no etag; allocation alone is insert-if-absent,
 * which is what makes it idempotent.
 */
export class BatchLog {
  private readonly pk: string;

  constructor(private readonly table: EntityTable, private readonly stream: string) {
    this.pk = batchesPartitionKey(stream);
  }

  /** Records the allocation, or returns the one already recorded for that time. */
  async allocate(event: BatchAllocated): Promise<BatchAllocated> {
    const entity: Entity = {
      partitionKey: this.pk, rowKey: batchRow(event.time), time: event.time, status: 'allocated',
      records: event.records, bytes: event.bytes, allocatedAt: event.allocatedAt, ...toColumns('alloc', event),
    };
    try {
      await this.table.transact([{ kind: 'insert', entity }]);
      return event;
    } catch (err) {
      if (!(err instanceof PreconditionFailedError)) throw err;
      const existing = await this.get(event.time);
      if (!existing) throw err;
      return existing.allocation;
    }
  }

  complete(event: BatchCompleted): Promise<void> {
    return this.update(event.time, 'completed', {
      startedAt: event.startedAt, completedAt: event.completedAt, deadLettered: event.deadLettered, ...toColumns('done', event),
    });
  }

  fail(event: BatchFailed): Promise<void> {
    return this.update(event.time, 'failed', { failedAt: event.failedAt, error: event.error.slice(0, 4000), skipped: event.skipped, ...toColumns('fail', event) });
  }

  clean(event: BatchCleaned): Promise<void> {
    return this.update(event.time, 'cleaned', { cleanedAt: event.cleanedAt });
  }

  private async update(time: number, status: BatchStatus, fields: Record<string, string | number | boolean>): Promise<void> {
    const row = await this.table.get(this.pk, batchRow(time));
    if (!row) throw new Error(`batch ${time} of stream ${this.stream} has no BatchAllocated record`);
    await this.table.transact([{ kind: 'upsert', entity: { ...row.entity, ...fields, status } }]);
  }

  async get(time: number): Promise<BatchRecord | undefined> {
    const row = await this.table.get(this.pk, batchRow(time));
    return row && recordOf(row.entity);
  }

  /** Batches with time < before (all when omitted), newest first: a page of the history. */
  async list(options: { before?: number; limit?: number } = {}): Promise<BatchRecord[]> {
    if (options.before !== undefined && options.before <= 0) return []; // no batch precedes time 0; the key would wrap
    const rows = await this.table.range(this.pk, { ...(options.before !== undefined && { from: batchRow(options.before - 1) }), ...(options.limit !== undefined && { limit: options.limit }) });
    return rows.map((r) => recordOf(r.entity));
  }

  /** The newest batch before `before`: where allocation continues from. */
  async latest(before?: number): Promise<BatchRecord | undefined> {
    return (await this.list({ ...(before !== undefined && { before }), limit: 1 }))[0];
  }

  async delete(time: number): Promise<void> {
    await this.table.transact([{ kind: 'delete', partitionKey: this.pk, rowKey: batchRow(time) }]);
  }

  /**
   * The stream's zero time (Spark's zeroTime: first batch at zeroTime + interval). The first
   * caller fixes it; later callers, after any restart, get the stored one, so the batch schedule
   * never drifts.
   */
  async zeroTime(proposed: number): Promise<number> {
    const pk = streamPartitionKey(this.stream);
    try {
      await this.table.transact([{ kind: 'insert', entity: { partitionKey: pk, rowKey: 'meta', zeroTime: proposed } }]);
      return proposed;
    } catch (err) {
      if (!(err instanceof PreconditionFailedError)) throw err;
      return Number((await this.table.get(pk, 'meta'))!.entity['zeroTime']);
    }
  }
}

function recordOf(e: Entity): BatchRecord {
  const allocation = fromColumns<BatchAllocated>('alloc', e)!;
  const completion = fromColumns<BatchCompleted>('done', e);
  const failure = fromColumns<BatchFailed>('fail', e);
  return { time: allocation.time, status: String(e['status']) as BatchStatus, allocation, ...(completion && { completion }), ...(failure && { failure }) };
}
