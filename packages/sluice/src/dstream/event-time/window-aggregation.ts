import { KeyedMap } from '../keyed.js';
import type { BatchContext, MapSideCombine, StreamNode } from '../node.js';
import { combineAll } from '../operators/combine-node.js';
import { narrowNode } from '../operators/narrow-node.js';
import { previousSnapshot } from '../operators/previous-snapshot.js';
import type { StreamGraph } from '../stream-graph.js';
import type { Aggregator } from './aggregator.js';
import { reportLate, type LateRecordPolicy } from './late-records.js';
import { emits, isClosed, type OutputMode } from './output-mode.js';
import { mergeSessions, type Session } from './session-merge.js';
import type { Stamped } from './stamped.js';
import { windowsOf, type WindowAssigner } from './window-assigners.js';
import { watermarkInEffect } from './watermark-tracker.js';

/** One result of an event-time aggregation: the group key (null when not keyed), the window and its value. */
export interface WindowResult<K, R> {
  readonly key: K;
  readonly start: number;
  readonly end: number;
  readonly value: R;
}

/** What an aggregation is: how windows are assigned, grouped and aggregated, and how results leave. */
export interface WindowAggregationSpec {
  readonly assigner: WindowAssigner;
  /** Pair records [K, V] are grouped by K and aggregate V; otherwise one group (key null) of records. */
  readonly keyed: boolean;
  readonly aggregator: Aggregator;
  readonly mode: OutputMode;
  readonly latePolicy: LateRecordPolicy;
}

/** A record placed in one window: [[key, start, end], record]. */
type Placed = [window: [unknown, number, number], record: unknown];
/** Per window, what tasks pre-aggregate: the accumulator, the record count, and the records when late ones are dead-lettered. */
type Partial = [acc: unknown, records: number, kept: unknown[] | null];
/** One open window as persisted per batch. */
type Entry = [key: unknown, start: number, end: number, acc: unknown, records: number];

/**
 * An event-time aggregation: a record node places each stamped record in its windows, a keyed
 * combine pre-aggregates per (key, window) in tasks (lateness is judged per window, so a
 * window's records are late or on time together), and the commit folds this batch into the
 * persisted open windows under the watermark in effect, emits by the output mode and evicts the
 * windows the watermark closed.
 */
export function windowAggregationNode(graph: StreamGraph, stamped: StreamNode, tracker: StreamNode, spec: WindowAggregationSpec): StreamNode {
  const placed = narrowNode(graph, stamped, 'windowAssign', (r, emit) => {
    const [t, , record] = r as Stamped;
    const key = spec.keyed ? pairOf(record)[0] : null;
    for (const [start, end] of windowsOf(spec.assigner, t)) emit([[key, start, end], record] satisfies Placed);
  });
  const combine = partialCombine(spec);
  const node: StreamNode = {
    id: graph.nextId('eventTimeWindow'), kind: 'eventTimeWindow', parents: [placed, tracker], placement: 'batch', slideMs: stamped.slideMs,
    rememberMs: stamped.slideMs,
    ...(placed.placement === 'record' && { mapSide: combine }),
    compute: async (ctx) => {
      const partials = placed.placement === 'record' ? ctx.combined(node) : combineAll(node, combine, await ctx.records(placed), ctx);
      return foldBatch(ctx, node, spec, await watermarkInEffect(ctx, tracker), partials as KeyedMap<[unknown, number, number], Partial>);
    },
  };
  return graph.add(node);
}

function pairOf(record: unknown): [unknown, unknown] {
  if (!Array.isArray(record) || record.length !== 2) throw new TypeError(`a keyed event-time aggregation needs [key, value] records, got ${JSON.stringify(record)}`);
  return record as [unknown, unknown];
}

function partialCombine(spec: WindowAggregationSpec): MapSideCombine {
  const valueOf = (record: unknown): unknown => (spec.keyed ? pairOf(record)[1] : record);
  const keep = spec.latePolicy === 'deadLetter';
  return {
    key: (p) => (p as Placed)[0],
    create: (p) => [spec.aggregator.create(valueOf((p as Placed)[1])), 1, keep ? [(p as Placed)[1]] : null] satisfies Partial,
    add: (c, p) => {
      const [acc, n, kept] = c as Partial;
      return [spec.aggregator.add(acc, valueOf((p as Placed)[1])), n + 1, kept && [...kept, (p as Placed)[1]]] satisfies Partial;
    },
    merge: (a, b) => {
      const [accA, nA, keptA] = a as Partial;
      const [accB, nB, keptB] = b as Partial;
      return [spec.aggregator.merge(accA, accB), nA + nB, keptA && keptB && [...keptA, ...keptB]] satisfies Partial;
    },
  };
}

type Open = Session<unknown> & { key: unknown; changed: boolean };

async function foldBatch(ctx: BatchContext, node: StreamNode, spec: WindowAggregationSpec, watermark: number | null, partials: KeyedMap<[unknown, number, number], Partial>): Promise<WindowResult<unknown, unknown>[]> {
  const previous = await previousSnapshot<Entry[]>(ctx, node, []);
  const fresh: Open[] = [];
  for (const [[key, start, end], [acc, records, kept]] of partials.pairs()) {
    if (isClosed(end, watermark)) reportLate(ctx, node, spec.latePolicy, records, kept, watermark!, `event-time window [${start}, ${end})`);
    else fresh.push({ key, start, end, acc, records, changed: true });
  }
  const open = spec.assigner.kind === 'session' ? mergeByKey(ctx, node, spec, previous, fresh) : mergeByWindow(ctx, node, spec, previous, fresh);
  const emitted: WindowResult<unknown, unknown>[] = [];
  const kept: Entry[] = [];
  for (const w of open) {
    if (emits(spec.mode, w, watermark)) {
      try {
        emitted.push({ key: w.key, start: w.start, end: w.end, value: spec.aggregator.finish(w.acc) });
      } catch (err) {
        ctx.deadLetter(node, [w.key, w.start, w.end, w.acc], err);
      }
    }
    if (!isClosed(w.end, watermark)) kept.push([w.key, w.start, w.end, w.acc, w.records]);
  }
  await ctx.state.put(node.id, ctx.time, kept);
  return emitted;
}

const openOf = ([key, start, end, acc, records]: Entry): Open => ({ key, start, end, acc, records, changed: false });

/** Fixed windows: this batch's partial aggregates merge into the window of the same key and extent. */
function mergeByWindow(ctx: BatchContext, node: StreamNode, spec: WindowAggregationSpec, previous: readonly Entry[], fresh: readonly Open[]): Open[] {
  const windows = new KeyedMap<[unknown, number, number], Open>();
  for (const e of previous) windows.set([e[0], e[1], e[2]], openOf(e));
  for (const w of fresh) {
    const id: [unknown, number, number] = [w.key, w.start, w.end];
    const existing = windows.get(id);
    if (!existing) {
      windows.set(id, w);
      continue;
    }
    try {
      existing.acc = spec.aggregator.merge(existing.acc, w.acc);
      existing.records += w.records;
      existing.changed = true;
    } catch (err) {
      ctx.deadLetter(node, [w.key, w.start, w.end, w.acc], err);
    }
  }
  return sortWindows(windows.pairs().map(([, w]) => w));
}

/** Sessions: per key, the open sessions and this batch's new ones merge where they reach each other. */
function mergeByKey(ctx: BatchContext, node: StreamNode, spec: WindowAggregationSpec, previous: readonly Entry[], fresh: readonly Open[]): Open[] {
  const byKey = new KeyedMap<unknown, Open[]>();
  for (const w of [...previous.map(openOf), ...fresh]) byKey.merge(w.key, [w], (a, b) => [...a, ...b]);
  const out: Open[] = [];
  for (const [key, sessions] of byKey.pairs()) {
    try {
      for (const s of mergeSessions(sessions, spec.aggregator.merge)) out.push({ ...s, key });
    } catch (err) {
      // A merge function that throws: the key's batch is dead-lettered and its open sessions stay as they were.
      ctx.deadLetter(node, [key, sessions.filter((s) => s.changed).map((s) => [s.start, s.end, s.acc])], err);
      out.push(...sessions.filter((s) => !s.changed));
    }
  }
  return sortWindows(out);
}

/** Results and state in a fixed order (end, start, key), so a replay writes the same bytes. */
function sortWindows(windows: Open[]): Open[] {
  const keyText = (k: unknown): string => JSON.stringify(k) ?? '';
  return windows.sort((a, b) => a.end - b.end || a.start - b.start || (keyText(a.key) < keyText(b.key) ? -1 : keyText(a.key) > keyText(b.key) ? 1 : 0));
}
