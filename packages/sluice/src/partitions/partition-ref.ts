/**
 * Which partition of which input source: the one reference receivers, the WAL, the scheduler and
 * the status queries share. It sits below all of them, so none imports another for it.
 */

/** Where an event came from: its input source and partition. */
export interface PartitionRef {
  readonly source: string;
  readonly partition: string;
}

/** A partition's key in maps and logs: `source/partition`. */
export const partitionId = (r: { source: string; partition: string }): string => `${r.source}/${r.partition}`;

/** Source by name, then partition by number ("2" before "10"). */
export function comparePartitions(a: PartitionRef, b: PartitionRef): number {
  return a.source.localeCompare(b.source) || a.partition.localeCompare(b.partition, undefined, { numeric: true });
}
