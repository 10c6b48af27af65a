import { durationMs, type Duration } from '../config/duration.js';
import { SETTINGS } from '../config/settings.js';
import type { Sink } from '../sinks/sink.js';
import type { StreamNode } from './node.js';

/** SLUICE_IDLE_PARTITION_TIMEOUT's default, for pipelines built without the settings. */
const DEFAULT_IDLE_PARTITION_TIMEOUT = SETTINGS.idlePartitionTimeoutMs.default;

/** An output operation: where a stream's batches go (a sink, or a user callback). */
export interface OutputOperation {
  readonly id: string;
  readonly stream: StreamNode;
  readonly sink: Sink<unknown>;
}

/**
 * The registry of nodes and outputs of one pipeline. Node ids follow creation order, so the same
 * pipeline code gives the same ids across restarts: persisted state is found again by them.
 */
export class StreamGraph {
  readonly batchIntervalMs: number;
  /** Event time: how long a silent partition holds the watermark back, unless withWatermark says otherwise. */
  readonly idlePartitionTimeoutMs: number;
  private readonly nodeList: StreamNode[] = [];
  private readonly outputList: OutputOperation[] = [];

  constructor(batchInterval: Duration, idlePartitionTimeout: Duration = DEFAULT_IDLE_PARTITION_TIMEOUT) {
    this.batchIntervalMs = durationMs(batchInterval, 'batch interval');
    this.idlePartitionTimeoutMs = durationMs(idlePartitionTimeout, 'idle partition timeout');
  }

  nextId(kind: string): string {
    return `${kind}${this.nodeList.length}`;
  }

  add<N extends StreamNode>(node: N): N {
    this.nodeList.push(node);
    return node;
  }

  addOutput(stream: StreamNode, sink: Sink<unknown>): void {
    this.outputList.push({ id: `out${this.outputList.length}-${sink.name}`, stream, sink });
  }

  get nodes(): readonly StreamNode[] {
    return this.nodeList;
  }

  get outputs(): readonly OutputOperation[] {
    return this.outputList;
  }

  get inputs(): readonly StreamNode[] {
    return this.nodeList.filter((n) => n.decode !== undefined);
  }

  /** A window or slide must be a multiple of the batch interval; checked when the pipeline is built. */
  multipleOfBatch(value: Duration, what: string): number {
    const ms = durationMs(value, what);
    if (ms % this.batchIntervalMs !== 0) {
      throw new RangeError(`${what} (${ms} ms) must be a multiple of the batch interval (${this.batchIntervalMs} ms)`);
    }
    return ms;
  }

  /** Streams combined batch by batch (union, transformWith, join) must share a slide duration. */
  sameSlide(parents: readonly StreamNode[], what: string): number {
    const slides = new Set(parents.map((p) => p.slideMs));
    if (slides.size > 1) throw new RangeError(`${what} needs streams with the same slide duration, got ${[...slides].join(', ')} ms`);
    return parents[0]!.slideMs;
  }

  /**
   * Spark's window checks, made when the pipeline is built rather than at run time: the window and
   * the slide (the parent's slide when omitted) are multiples of the batch interval and of the
   * parent's slide, so every window is a whole number of the parent's batches.
   */
  windowOf(parentSlideMs: number, window: Duration, slide?: Duration): { windowMs: number; slideMs: number } {
    const check = (value: Duration, what: string): number => {
      const ms = this.multipleOfBatch(value, what);
      if (ms % parentSlideMs !== 0) throw new RangeError(`${what} (${ms} ms) must be a multiple of the parent stream's slide duration (${parentSlideMs} ms)`);
      return ms;
    };
    return { windowMs: check(window, 'window duration'), slideMs: slide === undefined ? parentSlideMs : check(slide, 'slide duration') };
  }
}
