import type { Duration } from '../../config/duration.js';
import type { DStream } from '../dstream.js';
import type { StreamNode } from '../node.js';
import { narrowNode } from '../operators/narrow-node.js';
import type { StreamGraph } from '../stream-graph.js';
import { deduplicateNode, type DedupKind } from './deduplicate.js';
import { EventTimeWindows } from './event-time-windows.js';
import type { LateRecordPolicy } from './late-records.js';
import type { Stamped } from './stamped.js';
import { fixedWindows, sessionWindows } from './window-assigners.js';

/** One withWatermark declaration: its tracker node, delay and late-record policy. */
export interface WatermarkDeclaration {
  readonly tracker: StreamNode;
  readonly delayMs: number;
  readonly latePolicy: LateRecordPolicy;
}

/** Makes a DStream of a node; passed in by DStream so this module needs no value import of it. */
export type DStreamOf = <U>(node: StreamNode) => DStream<U>;

/**
 * A stream with a declared event time and watermark (what DStream.withWatermark returns). Its
 * operators are Structured Streaming's event-time ones: windows by event time, sessions, and
 * deduplication; map and filter keep each record's event time. records() goes back to a plain
 * DStream of the records, in batch order.
 */
export class EventTimeStream<T> {
  constructor(private readonly graph: StreamGraph, private readonly node: StreamNode, private readonly declaration: WatermarkDeclaration, private readonly toDStream: DStreamOf) {}

  private derive<U>(node: StreamNode): EventTimeStream<U> {
    return new EventTimeStream<U>(this.graph, node, this.declaration, this.toDStream);
  }

  map<U>(fn: (record: T) => U): EventTimeStream<U> {
    return this.derive(narrowNode(this.graph, this.node, 'eventTimeMap', (r, emit) => {
      const [t, p, record] = r as Stamped<T>;
      emit([t, p, fn(record)] satisfies Stamped<U>);
    }));
  }

  filter(predicate: (record: T) => boolean): EventTimeStream<T> {
    return this.derive(narrowNode(this.graph, this.node, 'eventTimeFilter', (r, emit) => {
      if (predicate((r as Stamped<T>)[2])) emit(r);
    }));
  }

  /** Tumbling windows of `size` (slide omitted), or sliding windows every `slide`; aligned to the epoch. */
  window(size: Duration, slide?: Duration): EventTimeWindows<T> {
    return new EventTimeWindows<T>(this.graph, this.node, this.declaration, fixedWindows(size, slide), this.toDStream);
  }

  /** Session windows: a session ends `gap` after its last record; sessions that come to overlap merge. */
  sessionWindow(gap: Duration): EventTimeWindows<T> {
    return new EventTimeWindows<T>(this.graph, this.node, this.declaration, sessionWindows(gap), this.toDStream);
  }

  /**
   * Spark's dropDuplicates with the event time among the columns: a record is a copy of a kept one
   * with the same key and the same event time. The key defaults to the whole record.
   */
  dropDuplicates(key?: (record: T) => unknown): EventTimeStream<T> {
    return this.dedup('exact', key);
  }

  /**
   * Spark's dropDuplicatesWithinWatermark: a record is a copy of a kept one with the same key whose
   * event time is at most the watermark delay away; the key defaults to the whole record.
   */
  dropDuplicatesWithinWatermark(key?: (record: T) => unknown): EventTimeStream<T> {
    return this.dedup('withinWatermark', key);
  }

  /** The records as a plain DStream (their event time dropped). */
  records(): DStream<T> {
    return this.toDStream<T>(narrowNode(this.graph, this.node, 'eventTimeRecords', (r, emit) => emit((r as Stamped<T>)[2])));
  }

  private dedup(kind: DedupKind, key: ((record: T) => unknown) | undefined): EventTimeStream<T> {
    if (key !== undefined && typeof key !== 'function') throw new TypeError(`dropDuplicates: the key must be a function of the record, got ${JSON.stringify(key)}`);
    const { tracker, delayMs, latePolicy } = this.declaration;
    return this.derive(deduplicateNode(this.graph, this.node, tracker, { kind, key: (key ?? identity) as (r: unknown) => unknown, delayMs, latePolicy }));
  }
}

const identity = (r: unknown): unknown => r;
