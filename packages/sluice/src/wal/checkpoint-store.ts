import { MAX_TRANSACTION_OPERATIONS, type Entity, type EntityTable, type TableOperation } from '../ports/entity-table.js';
import { comparePartitions, type PartitionRef } from '../partitions/partition-ref.js';
import { blockRow, CHECKPOINT_ROW, pad, receiverPartitionKey, receiverPartitionPrefix } from './keys.js';
import type { BlockAdded, GapDetected } from './wal-events.js';

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
  /** GapDetected records of this partition (ranges the hub no longer held); 0 on rows written before gaps were tracked. */
  readonly gaps: number;
  readonly updatedAt: number;
}

export interface VersionedCheckpoint {
  readonly checkpoint: Checkpoint;
  readonly etag: string;
}

export const emptyCheckpoint = (ref: PartitionRef, owner: string): Checkpoint => ({
  ...ref, lastSeq: -1, lastOffset: '-1', lastEnqueuedTime: 0, owner, blocks: 0, events: 0, redeliveries: 0, gaps: 0, updatedAt: 0,
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
   * throws PreconditionFailedError when another writer got there first. GapDetected records go in
   * the first step, with the events that follow the gap.
   */
  async commit(ref: PartitionRef, blocks: readonly BlockAdded[], next: Checkpoint, etag: string | undefined, gaps: readonly GapDetected[] = []): Promise<string> {
    const pk = receiverPartitionKey(this.stream, ref.source, ref.partition);
    const perStep = MAX_TRANSACTION_OPERATIONS - 1;
    if (gaps.length >= perStep) throw new Error(`partition ${ref.partition}: ${gaps.length} gaps in one commit is more than one transaction holds`);
    let current = etag;
    for (let i = 0, step = 0; i < Math.max(1, blocks.length); i += step) {
      const gapOps: TableOperation[] = i === 0 ? gaps.map((g) => ({ kind: 'upsert', entity: gapEntity(pk, g) })) : [];
      step = perStep - gapOps.length;
      const chunk = blocks.slice(i, i + step);
      const isLast = i + step >= blocks.length;
      // A step short of the last records only what it holds: if the call stops here, the retry
      // adds the rest on top, and the counters must not already include it.
      const later = blocks.slice(i + chunk.length);
      const stepCheckpoint = isLast ? next : {
        ...next, lastSeq: chunk[chunk.length - 1]!.last, blocks: next.blocks - later.length, events: next.events - later.reduce((n, b) => n + b.count, 0),
      };
      const ops: TableOperation[] = [...gapOps, ...chunk.map((b): TableOperation => ({ kind: 'insert', entity: blockEntity(pk, b) }))];
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

  /** A partition's GapDetected records, in sequence order. */
  async gapsOf(ref: PartitionRef): Promise<GapDetected[]> {
    const rows = await this.table.range(receiverPartitionKey(this.stream, ref.source, ref.partition), { from: gapRow(0), to: GAP_ROW_END });
    return rows.map((r) => gapOf(ref, r.entity));
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


function blockEntity(pk: string, b: BlockAdded): Entity {
  return { partitionKey: pk, rowKey: blockRow(b.first), first: b.first, last: b.last, count: b.count, bytes: b.bytes, minTime: b.minTime, maxTime: b.maxTime, addedAt: b.addedAt };
}

/** Gap rows sort after block rows ("gap~" > "blk~"), so block range reads never see them. */
const gapRow = (from: number): string => `gap~${pad(from)}`;
const GAP_ROW_END = 'gap~~';

function gapEntity(pk: string, g: GapDetected): Entity {
  return { partitionKey: pk, rowKey: gapRow(g.from), from: g.from, to: g.to, count: g.count, detectedAt: g.detectedAt };
}

function gapOf(ref: PartitionRef, e: Entity): GapDetected {
  return { kind: 'GapDetected', source: ref.source, partition: ref.partition, from: Number(e['from']), to: Number(e['to']), count: Number(e['count']), detectedAt: Number(e['detectedAt']) };
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
    redeliveries: Number(e['redeliveries']), gaps: Number(e['gaps'] ?? 0), updatedAt: Number(e['updatedAt']),
  };
}
