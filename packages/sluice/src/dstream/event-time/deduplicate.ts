import { KeyedMap } from '../keyed.js';
import type { BatchContext, StreamNode } from '../node.js';
import { previousSnapshot } from '../operators/previous-snapshot.js';
import type { StreamGraph } from '../stream-graph.js';
import { reportLate, type LateRecordPolicy } from './late-records.js';
import { isClosed } from './output-mode.js';
import type { Stamped } from './stamped.js';
import { watermarkInEffect } from './watermark-tracker.js';

/**
 * Structured Streaming's two deduplications. `exact`: dropDuplicates with the event time among
 * the columns — a record is a copy when its key and its event time match a kept one, and the key
 * is forgotten once the watermark reaches that event time. `withinWatermark`:
 * dropDuplicatesWithinWatermark — the key alone decides, and it is remembered until the watermark
 * reaches the first copy's event time plus the delay, so copies whose event times differ (a
 * producer's retry stamps a new time) are still caught.
 */
export type DedupKind = 'exact' | 'withinWatermark';

export interface DedupSpec {
  readonly kind: DedupKind;
  readonly key: (record: unknown) => unknown;
  readonly delayMs: number;
  readonly latePolicy: LateRecordPolicy;
}

/** A remembered key and the watermark at which it is forgotten. */
type Entry = [key: unknown, expiresAt: number];

/**
 * Keeps the first record of each key in batch order (task order, then event order: the same on
 * a replay) and drops later copies, counting them. A record at or below the watermark is late
 * and dropped before it is looked at, as in Spark. Keys are evicted when the watermark in effect
 * reaches their expiry, so the state is bounded by the watermark.
 */
export function deduplicateNode(graph: StreamGraph, stamped: StreamNode, tracker: StreamNode, spec: DedupSpec): StreamNode {
  const node: StreamNode = {
    id: graph.nextId('dropDuplicates'), kind: 'dropDuplicates', parents: [stamped, tracker], placement: 'batch', slideMs: stamped.slideMs,
    rememberMs: stamped.slideMs,
    compute: async (ctx) => dedupBatch(ctx, node, spec, await watermarkInEffect(ctx, tracker), (await ctx.records(stamped)) as Stamped[]),
  };
  return graph.add(node);
}

async function dedupBatch(ctx: BatchContext, node: StreamNode, spec: DedupSpec, watermark: number | null, records: readonly Stamped[]): Promise<Stamped[]> {
  const seen = KeyedMap.of(await previousSnapshot<Entry[]>(ctx, node, []));
  const kept: Stamped[] = [];
  for (const stamped of records) {
    const [t, , record] = stamped;
    if (isClosed(t, watermark)) {
      reportLate(ctx, node, spec.latePolicy, 1, [record], watermark!, `event time ${t}`);
      continue;
    }
    let key: unknown;
    try {
      key = spec.kind === 'exact' ? [spec.key(record), t] : spec.key(record);
    } catch (err) {
      ctx.deadLetter(node, record, err);
      continue;
    }
    if (seen.has(key)) {
      ctx.eventTime.droppedDuplicates++;
      continue;
    }
    seen.set(key, spec.kind === 'exact' ? t : t + spec.delayMs);
    kept.push(stamped);
  }
  const remembered = seen.pairs().filter(([, expiresAt]) => !isClosed(expiresAt, watermark));
  await ctx.state.put(node.id, ctx.time, remembered);
  return kept;
}
