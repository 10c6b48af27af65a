import type { BatchContext, StreamNode } from '../node.js';
import { previousSnapshot } from '../operators/previous-snapshot.js';
import type { StreamGraph } from '../stream-graph.js';
import type { Stamped } from './stamped.js';

/** What the tracker persists per batch: the watermark for the next batch and each partition's progress. */
export interface WatermarkState {
  readonly watermark: number | null;
  /** Per "source/partition": the highest event time seen, and the batch time it last sent a record. */
  readonly partitions: Readonly<Record<string, readonly [maxEventTime: number, lastActive: number]>>;
}

/** The tracker's one record per batch: the watermark this batch uses, and the state after it. */
export interface WatermarkBatch {
  readonly inEffect: number | null;
  readonly next: WatermarkState;
}

export const NO_WATERMARK: WatermarkState = { watermark: null, partitions: {} };

/**
 * The watermark after batch `time`, from the state before it and this batch's highest event time
 * per partition. Each partition's own watermark is its highest event time minus the delay; the
 * stream's is the lowest of those, so a lagging partition's events are not called late. A
 * partition that sent nothing for longer than `idleMs` (batch time) stops holding it back; when
 * every partition is idle the highest one counts, so a quiet stream still closes its windows.
 * The watermark never goes backwards.
 */
export function advanceWatermark(previous: WatermarkState, maxima: Iterable<readonly [string, number]>, time: number, delayMs: number, idleMs: number): WatermarkState {
  const partitions: Record<string, readonly [number, number]> = { ...previous.partitions };
  for (const [partition, max] of maxima) {
    const before = partitions[partition];
    partitions[partition] = [before ? Math.max(before[0], max) : max, time];
  }
  const all = Object.values(partitions);
  if (all.length === 0) return { watermark: previous.watermark, partitions };
  const active = all.filter(([, lastActive]) => time - lastActive <= idleMs);
  const candidate = active.length > 0 ? Math.min(...active.map(([max]) => max)) - delayMs : Math.max(...all.map(([max]) => max)) - delayMs;
  return { watermark: previous.watermark === null ? candidate : Math.max(previous.watermark, candidate), partitions };
}

/**
 * The watermark of one withWatermark declaration, as a batch node. Tasks reduce each partition's
 * highest event time map-side; the commit advances the persisted state and keeps it per batch
 * time, so a replayed batch reads the same previous state and uses the same watermark. As in
 * Structured Streaming the watermark computed at the end of a batch is used by the next one.
 */
export function watermarkNode(graph: StreamGraph, stamped: StreamNode, delayMs: number, idleMs: number): StreamNode {
  const node: StreamNode = {
    id: graph.nextId('watermark'), kind: 'watermark', parents: [stamped], placement: 'batch', slideMs: stamped.slideMs,
    rememberMs: stamped.slideMs,
    mapSide: {
      key: (r) => (r as Stamped)[1],
      create: (r) => (r as Stamped)[0],
      add: (max, r) => Math.max(max as number, (r as Stamped)[0]),
      merge: (a, b) => Math.max(a as number, b as number),
    },
    compute: async (ctx) => {
      const previous = await previousSnapshot<WatermarkState>(ctx, node, NO_WATERMARK);
      const maxima = ctx.combined(node).pairs() as [string, number][];
      const next = advanceWatermark(previous, maxima, ctx.time, delayMs, idleMs);
      await ctx.state.put(node.id, ctx.time, next);
      const inEffect = previous.watermark;
      // The stream reports the lowest watermark of its declarations (Spark's default "min" policy).
      const reported = ctx.eventTime.watermark;
      ctx.eventTime.watermark = reported === undefined ? inEffect : reported === null || inEffect === null ? null : Math.min(reported, inEffect);
      return [{ inEffect, next } satisfies WatermarkBatch];
    },
  };
  return graph.add(node);
}

/** The watermark batch `ctx.time` uses: null before any event was seen. */
export async function watermarkInEffect(ctx: BatchContext, tracker: StreamNode): Promise<number | null> {
  const [batch] = (await ctx.records(tracker)) as WatermarkBatch[];
  return batch!.inEffect;
}
