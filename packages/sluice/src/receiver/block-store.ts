import type { ObjectStore } from '../ports/object-store.js';
import { blockBlobName } from '../wal/keys.js';
import { decodeBlock, encodeBlock } from './block-codec.js';
import type { PendingBlock } from './block-generator.js';
import type { PartitionRef } from '../partitions/partition-ref.js';
import type { ReceivedEvent } from './received-event.js';

/** Blocks in Blob, one object per block, named by stream, partition and sequence range. */
export class BlockStore {
  constructor(private readonly objects: ObjectStore, private readonly stream: string) {}

  name(ref: PartitionRef, first: number, last: number): string {
    return blockBlobName(this.stream, ref.source, ref.partition, first, last);
  }

  /** Conditional create: rewriting the same range keeps the stored block (same range, same events). */
  async write(ref: PartitionRef, block: PendingBlock): Promise<'created' | 'exists'> {
    const data = encodeBlock({ source: ref.source, partition: ref.partition, first: block.first, last: block.last, count: block.lines.length }, block.lines);
    return this.objects.create(this.name(ref, block.first, block.last), data);
  }

  async read(ref: PartitionRef, first: number, last: number): Promise<ReceivedEvent[]> {
    const name = this.name(ref, first, last);
    const data = await this.objects.get(name);
    if (!data) throw new Error(`block ${name} is missing: its BlockAdded record exists, so storage lost it or retention removed it too early`);
    return decodeBlock(data).events;
  }

  async delete(ref: PartitionRef, first: number, last: number): Promise<void> {
    await this.objects.delete(this.name(ref, first, last));
  }
}
