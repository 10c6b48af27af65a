import { MAX_TRANSACTION_OPERATIONS, type Entity, type EntityTable, type TableOperation } from '../ports/entity-table.js';
import type { PartitionRef } from '../receiver/received-event.js';
import { blockRow, CHECKPOINT_ROW, receiverPartitionKey, receiverPartitionPrefix } from './keys.js';
import type { BlockAdded } from './wal-events.js';

/** A partition's receiver checkpoint: everything at or below lastSeq is durably in blocks. */
export interface Checkpoint extends PartitionRef {
  readonly lastSeq: number;
  readonly lastOffset: string;
  readonly lastEnqueuedTime: number;
  /** The receiver instance that wrote it: the winner when two receivers race. */
  readonly owner: string;
  readonly blocks: number;
  readonly events: number;
  readonly redeliveries: number;
  readonly updatedAt: number;
}

export interface VersionedCheckpoint {
  readonly checkpoint: Checkpoint;
  readonly etag: string;
}

export const emptyCheckpoint = (ref: PartitionRef, owner: string): Checkpoint => ({
  ...ref, lastSeq: -1, lastOffset: '-1', lastEnqueuedTime: 0, owner, blocks: 0, events: 0, redeliveries: 0, updatedAt: 0,
});

/**
 * Receiver checkpoints and their BlockAdded records, in the partition's own table partition so
 * both commit in one entity-group transaction, fenced by the checkpoint's etag.
 */
export class CheckpointStore {
  constructor(private readonly table: EntityTable, private readonly stream: string) {}

  async read(ref: PartitionRef): Promise<VersionedCheckpoint | undefined> {
    const row = await this.table.get(receiverPartitionKey(this.stream, ref.source, ref.partition), CHECKPOINT_ROW);
    return row && { checkpoint: checkpointOf(row.entity), etag: row.etag };
  }

  /** Every partition's checkpoint, ordered by source then partition id. */
  async list(): Promise<Checkpoint[]> {
    const rows = await this.table.scan(receiverPartitionPrefix(this.stream), CHECKPOINT_ROW);
    return rows.map((r) => checkpointOf(r.entity)).sort(comparePartitions);
  }

  /**
   * Appends the blocks and moves the checkpoint to `next`, atomically, only if the checkpoint is
   * still at `etag` (undefined: only if there is none yet). More blocks than one transaction holds
   * are committed in order, each step fenced by the etag of the previous. Returns the new etag;
   * throws PreconditionFailedError when another writer got there first.
   */
  async commit(ref: PartitionRef, blocks: readonly BlockAdded[], next: Checkpoint, etag: string | undefined): Promise<string> {
    const pk = receiverPartitionKey(this.stream, ref.source, ref.partition);
    const perStep = MAX_TRANSACTION_OPERATIONS - 1;
    let current = etag;
    for (let i = 0; i < Math.max(1, blocks.length); i += perStep) {
      const chunk = blocks.slice(i, i + perStep);
      const isLast = i + perStep >= blocks.length;
      // A step short of the last records only what it holds: if the call stops here, the retry
      // adds the rest on top, and the counters must not already include it.
      const later = blocks.slice(i + chunk.length);
      const stepCheckpoint = isLast ? next : {
        ...next, lastSeq: chunk[chunk.length - 1]!.last, blocks: next.blocks - later.length, events: next.events - later.reduce((n, b) => n + b.count, 0),
      };
      const ops: TableOperation[] = chunk.map((b) => ({ kind: 'insert', entity: blockEntity(pk, b) }));
      const checkpoint = { partitionKey: pk, rowKey: CHECKPOINT_ROW, ...stepCheckpoint } as Entity;
      ops.push(current === undefined ? { kind: 'insert', entity: checkpoint } : { kind: 'replace', entity: checkpoint, ifMatch: current });
      const etags = await this.table.transact(ops);
      current = etags[etags.length - 1]!;
    }
    return current!;
  }

  /** BlockAdded records of a partition with first sequence number in (after, upTo]. */
  async blocksBetween(ref: PartitionRef, after: number, upTo: number): Promise<BlockAdded[]> {
    const rows = await this.table.range(receiverPartitionKey(this.stream, ref.source, ref.partition), { from: blockRow(after + 1), to: blockRow(upTo + 1) });
    return rows.map((r) => blockOf(ref, r.entity));
  }

  /** Deletes BlockAdded records whose last sequence number is at or below upTo. */
  async deleteBlocksUpTo(ref: PartitionRef, upTo: number): Promise<number> {
    const pk = receiverPartitionKey(this.stream, ref.source, ref.partition);
    const rows = await this.table.range(pk, { from: blockRow(0), to: blockRow(upTo + 1) });
    for (let i = 0; i < rows.length; i += MAX_TRANSACTION_OPERATIONS) {
      await this.table.transact(rows.slice(i, i + MAX_TRANSACTION_OPERATIONS).map((r) => ({ kind: 'delete', partitionKey: pk, rowKey: r.entity.rowKey })));
    }
    return rows.length;
  }
}


export function comparePartitions(a: PartitionRef, b: PartitionRef): number {
  return a.source.localeCompare(b.source) || a.partition.localeCompare(b.partition, undefined, { numeric: true });
}

function blockEntity(pk: string, b: BlockAdded): Entity {
  return { partitionKey: pk, rowKey: blockRow(b.first), first: b.first, last: b.last, count: b.count, bytes: b.bytes, minTime: b.minTime, maxTime: b.maxTime, addedAt: b.addedAt };
}

function blockOf(ref: PartitionRef, e: Entity): BlockAdded {
  return {
    kind: 'BlockAdded', source: ref.source, partition: ref.partition,
    first: Number(e['first']), last: Number(e['last']), count: Number(e['count']), bytes: Number(e['bytes']),
    minTime: Number(e['minTime']), maxTime: Number(e['maxTime']), addedAt: Number(e['addedAt']),
  };
}

function checkpointOf(e: Entity): Checkpoint {
  return {
    source: String(e['source']), partition: String(e['partition']),
    lastSeq: Number(e['lastSeq']), lastOffset: String(e['lastOffset']), lastEnqueuedTime: Number(e['lastEnqueuedTime']),
    owner: String(e['owner']), blocks: Number(e['blocks']), events: Number(e['events']),
    redeliveries: Number(e['redeliveries']), updatedAt: Number(e['updatedAt']),
  };
}
