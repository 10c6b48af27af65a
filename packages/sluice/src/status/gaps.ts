import type { Checkpoint, CheckpointStore } from '../wal/checkpoint-store.js';

/** How many of the newest gaps the status shows. */
export const LATEST_GAPS = 10;

export interface GapView {
  source: string;
  partition: string;
  from: number;
  to: number;
  count: number;
  detectedAt: number;
}

/** Sequence ranges receivers found skipped and the hub no longer held: loss, shown rather than hidden. */
export interface GapsStatus {
  /** GapDetected records over every partition. */
  total: number;
  /** Newest first, at most LATEST_GAPS. */
  latest: GapView[];
}

/**
 * The stream's gaps, or undefined when there are none. The checkpoints (already read for the
 * header) count each partition's gaps, so only partitions that have any are read.
 */
export async function gapsStatus(store: CheckpointStore, checkpoints: readonly Checkpoint[]): Promise<GapsStatus | undefined> {
  const withGaps = checkpoints.filter((c) => c.gaps > 0);
  if (withGaps.length === 0) return undefined;
  const records = (await Promise.all(withGaps.map((c) => store.gapsOf(c)))).flat();
  const latest = records
    .sort((a, b) => b.detectedAt - a.detectedAt || a.partition.localeCompare(b.partition) || b.from - a.from)
    .slice(0, LATEST_GAPS)
    .map(({ source, partition, from, to, count, detectedAt }) => ({ source, partition, from, to, count, detectedAt }));
  return { total: withGaps.reduce((n, c) => n + c.gaps, 0), latest };
}
