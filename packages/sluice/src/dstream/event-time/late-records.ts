import type { BatchContext, StreamNode } from '../node.js';

/** What happens to a late record: counted and dropped (the default), or also dead-lettered. */
export type LateRecordPolicy = 'drop' | 'deadLetter';

export function lateRecordPolicy(value: unknown): LateRecordPolicy {
  if (value === undefined) return 'drop';
  if (value === 'drop' || value === 'deadLetter') return value;
  throw new RangeError(`withWatermark option lateRecords: ${JSON.stringify(value)} must be "drop" or "deadLetter"`);
}

/** The reason a late record carries into the dead-letter container, with the watermark of its batch. */
export class LateRecord extends Error {
  readonly reason = 'late';

  constructor(readonly watermark: number, what: string) {
    super(`${what} is at or below the watermark ${watermark} (${new Date(watermark).toISOString()})`);
    this.name = 'LateRecord';
  }
}

/**
 * Counts late records in the batch's figures and, under the dead-letter policy, writes each one
 * with the reason "late" and the watermark. A late record is never lost without trace: it is at
 * least counted. Late records never enter state.
 */
export function reportLate(ctx: BatchContext, node: StreamNode, policy: LateRecordPolicy, count: number, records: readonly unknown[] | null, watermark: number, what: string): void {
  ctx.eventTime.lateRecords += count;
  if (policy !== 'deadLetter') return;
  for (const record of records ?? []) ctx.deadLetter(node, record, new LateRecord(watermark, what));
}
