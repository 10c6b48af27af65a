import type { PartitionRef } from '../partitions/partition-ref.js';
import type { ReceivedEvent } from '../receiver/received-event.js';
import type { StateStore } from '../state/state-store.js';
import type { KeyedMap } from './keyed.js';

/**
 * A node of the stream graph. DStream is the typed API over nodes; nodes hold the behaviour.
 *
 * Placement decides where a node runs: 'record' nodes (inputs and narrow operators whose parent
 * is a 'record' node) run inside tasks, one event at a time; 'batch' nodes run in the batch's
 * commit, over the whole batch. A narrow operator after a batch node (window(...).map(f)) is
 * itself a batch node, run in commit with the same per-record function.
 */
export interface StreamNode {
  readonly id: string;
  readonly kind: string;
  readonly parents: readonly StreamNode[];
  readonly placement: 'record' | 'batch';
  /** The node emits only at zeroTime + k * slideMs (Spark's slideDuration). */
  readonly slideMs: number;
  /**
   * Record nodes (except inputs): the per-record function. Throwing dead-letters the record. In
   * tasks it also gets the event the record came from (event time reads its partition and
   * enqueued time); in the commit there is none.
   */
  readonly process?: (record: unknown, emit: (out: unknown) => void, origin?: EventOrigin) => void;
  /** Inputs: turns an event into its record. Throwing dead-letters the event. */
  readonly decode?: (event: ReceivedEvent) => unknown;
  /** Inputs: the source (event hub) they read. */
  readonly source?: string;
  /** Batch nodes whose parent may be a record node: the combine that runs map-side in tasks. */
  readonly mapSide?: MapSideCombine;
  /** Stateful nodes: how far back (ms) they read their own persisted snapshots; bounds cleanup. */
  readonly rememberMs?: number;
  /** Batch nodes: their output at ctx.time, which is always a valid time for the node. */
  readonly compute?: (ctx: BatchContext) => Promise<unknown[]>;
}

/** The event a task-side record came from, and its partition. */
export interface EventOrigin {
  readonly ref: PartitionRef;
  readonly event: ReceivedEvent;
}

/** A keyed combine split like Spark's combineByKey: per record in tasks, per combiner in commit. */
export interface MapSideCombine {
  key(record: unknown): unknown;
  create(record: unknown): unknown;
  add(combiner: unknown, record: unknown): unknown;
  merge(a: unknown, b: unknown): unknown;
}

/** What a batch node sees while its batch commits. */
export interface BatchContext {
  readonly stream: string;
  readonly time: number;
  readonly zeroTime: number;
  readonly batchIntervalMs: number;
  /** The output of a node at this batch time (memoised within the commit). */
  records(node: StreamNode): Promise<unknown[]>;
  /** The merged map-side combiners of this node's record-level parent, from every task. */
  combined(node: StreamNode): KeyedMap<unknown, unknown>;
  /** Persisted state, per (node, batch time); see StateStore. */
  readonly state: StateStore;
  /** Sends a record that failed in a commit-side function to the dead-letter container. */
  deadLetter(node: StreamNode, record: unknown, error: unknown): void;
  /** Event-time operators' figures for this batch; the commit records them with the batch. */
  readonly eventTime: BatchEventTime;
}

/** A batch's event-time figures, filled in by the event-time operators while it commits. */
export interface BatchEventTime {
  /** The watermark the batch used (the lowest of the stream's declarations); undefined when it has none. */
  watermark: number | null | undefined;
  lateRecords: number;
  droppedDuplicates: number;
}

export function isValidTime(node: StreamNode, time: number, zeroTime: number): boolean {
  return time > zeroTime && (time - zeroTime) % node.slideMs === 0;
}
