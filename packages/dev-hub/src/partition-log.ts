import { createWriteStream, existsSync, mkdirSync, readFileSync, writeFileSync, type WriteStream } from 'node:fs';
import { dirname } from 'node:path';
import type { Clock } from 'sluice';
import { stampEvent } from './event-codec.js';

export interface RetentionOptions {
  maxEventsPerPartition?: number;
  maxBytesPerPartition?: number;
  maxAgeMs?: number;
}

/** One stored event: `bytes` is the annotated message exactly as delivered to readers. */
export interface StoredEvent {
  sequenceNumber: number;
  /** Byte position in the partition, as Event Hubs offsets are; sent to clients as a string. */
  offset: number;
  enqueuedTime: number;
  bytes: Buffer;
}

export interface PartitionState {
  beginSequenceNumber: number;
  lastSequenceNumber: number;
  lastOffset: string;
  lastEnqueuedTime: number;
  isEmpty: boolean;
}

interface Line {
  s?: number;
  o?: number;
  t?: number;
  b?: string;
  l?: number;
  /** Marker lines keep numbering going when every event has expired. */
  next?: number;
}

/**
 * The events of one partition, in memory, with retention by count, bytes and age, and an
 * optional append-only NDJSON file so a restarted hub keeps events and numbering. Age is
 * checked lazily, whenever the log is touched, so no timers run.
 */
export class PartitionLog {
  private events: StoredEvent[] = [];
  private head = 0; // events before head have expired; compacted away in bulk
  private bytes = 0;
  private nextSequenceNumber = 0;
  private nextOffset = 0;
  private lastOffset = -1;
  private lastTime = 0;
  private readonly listeners = new Set<() => void>();
  private file: WriteStream | undefined;

  constructor(
    private readonly clock: Clock,
    private readonly retention: RetentionOptions = {},
    private readonly path?: string,
  ) {
    if (path) this.load(path);
  }

  /** Stores a batch atomically, in order; returns the stored events. */
  append(encodedEvents: Buffer[], partitionKey: string | undefined): StoredEvent[] {
    const now = this.clock.now();
    // Enqueued times never go backwards within a partition, even if the clock does.
    const time = Math.max(now, this.lastTime);
    const stored: StoredEvent[] = [];
    for (const encoded of encodedEvents) {
      const offset = this.nextOffset;
      const sequenceNumber = this.nextSequenceNumber;
      const { bytes } = stampEvent(encoded, { sequenceNumber, offset: String(offset), enqueuedTime: time, partitionKey });
      stored.push({ sequenceNumber, offset, enqueuedTime: time, bytes });
      this.nextSequenceNumber++;
      this.nextOffset += bytes.length;
    }
    for (const e of stored) {
      this.events.push(e);
      this.bytes += e.bytes.length;
    }
    this.lastTime = time;
    this.lastOffset = stored.length > 0 ? stored[stored.length - 1]!.offset : this.lastOffset;
    if (this.path) this.persist(stored);
    this.expire();
    for (const notify of this.listeners) notify();
    return stored;
  }

  /** Calls `fn` after every append; returns the unsubscribe function. */
  onAppend(fn: () => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  get nextSequence(): number {
    return this.nextSequenceNumber;
  }

  get beginSequenceNumber(): number {
    this.expire();
    return this.head < this.events.length ? this.events[this.head]!.sequenceNumber : this.nextSequenceNumber;
  }

  /** The event with this sequence number, if still retained. */
  get(sequenceNumber: number): StoredEvent | undefined {
    const first = this.beginSequenceNumber;
    if (sequenceNumber < first || sequenceNumber >= this.nextSequenceNumber) return undefined;
    return this.events[this.head + (sequenceNumber - first)];
  }

  /** Sequence number of the first retained event whose offset passes the test (`>` or `>=`). */
  firstAtOffset(offset: number, inclusive: boolean): number {
    return this.search((e) => (inclusive ? e.offset >= offset : e.offset > offset));
  }

  /** Sequence number of the first retained event enqueued after `time`. */
  firstAfterTime(time: number): number {
    return this.search((e) => e.enqueuedTime > time);
  }

  get state(): PartitionState {
    const begin = this.beginSequenceNumber;
    return {
      beginSequenceNumber: begin,
      lastSequenceNumber: this.nextSequenceNumber - 1,
      lastOffset: String(this.lastOffset),
      lastEnqueuedTime: this.lastTime,
      isEmpty: begin >= this.nextSequenceNumber,
    };
  }

  get retainedBytes(): number {
    this.expire();
    return this.bytes;
  }

  async close(): Promise<void> {
    this.listeners.clear();
    const file = this.file;
    this.file = undefined;
    if (file) await new Promise<void>((resolve, reject) => file.end((err?: Error | null) => (err ? reject(err) : resolve())));
  }

  /** Binary search over retained events for the first one passing a monotonic test. */
  private search(test: (e: StoredEvent) => boolean): number {
    this.expire();
    let lo = this.head;
    let hi = this.events.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (test(this.events[mid]!)) hi = mid;
      else lo = mid + 1;
    }
    return lo < this.events.length ? this.events[lo]!.sequenceNumber : this.nextSequenceNumber;
  }

  private expire(): void {
    const { maxEventsPerPartition: maxEvents, maxBytesPerPartition: maxBytes, maxAgeMs } = this.retention;
    const oldest = maxAgeMs === undefined ? -Infinity : this.clock.now() - maxAgeMs;
    while (this.head < this.events.length) {
      const e = this.events[this.head]!;
      const count = this.events.length - this.head;
      const tooMany = maxEvents !== undefined && count > maxEvents;
      const tooBig = maxBytes !== undefined && this.bytes > maxBytes;
      if (!tooMany && !tooBig && e.enqueuedTime > oldest) break;
      this.bytes -= e.bytes.length;
      this.head++;
    }
    if (this.head > 1024 && this.head * 2 > this.events.length) {
      this.events = this.events.slice(this.head);
      this.head = 0;
    }
  }

  private persist(stored: StoredEvent[]): void {
    let text = '';
    for (const e of stored) {
      text += `${JSON.stringify({ s: e.sequenceNumber, o: e.offset, t: e.enqueuedTime, b: e.bytes.toString('base64') } satisfies Line)}\n`;
    }
    this.file ??= createWriteStream(this.path!, { flags: 'a' });
    this.file.write(text);
  }

  /** Reads the file back, applies retention, and rewrites it when anything was dropped. */
  private load(path: string): void {
    mkdirSync(dirname(path), { recursive: true });
    if (!existsSync(path)) return;
    const lines = readFileSync(path, 'utf8').split('\n');
    let clean = true;
    for (const text of lines) {
      if (!text) continue;
      let line: Line;
      try {
        line = JSON.parse(text) as Line;
      } catch {
        clean = false; // a torn last line from a crash: drop it
        continue;
      }
      if (line.next !== undefined) {
        this.nextSequenceNumber = Math.max(this.nextSequenceNumber, line.next);
        this.nextOffset = Math.max(this.nextOffset, line.o ?? 0);
        this.lastOffset = Math.max(this.lastOffset, line.l ?? -1);
        this.lastTime = Math.max(this.lastTime, line.t ?? 0);
        continue;
      }
      const bytes = Buffer.from(line.b ?? '', 'base64');
      const e: StoredEvent = { sequenceNumber: line.s!, offset: line.o!, enqueuedTime: line.t!, bytes };
      this.events.push(e);
      this.bytes += bytes.length;
      this.nextSequenceNumber = e.sequenceNumber + 1;
      this.nextOffset = e.offset + bytes.length;
      this.lastOffset = e.offset;
      this.lastTime = e.enqueuedTime;
    }
    const before = this.events.length - this.head;
    this.expire();
    if (!clean || this.events.length - this.head !== before) this.rewrite(path);
  }

  private rewrite(path: string): void {
    const marker: Line = { next: this.nextSequenceNumber, o: this.nextOffset, l: this.lastOffset, t: this.lastTime };
    let text = `${JSON.stringify(marker)}\n`;
    for (let i = this.head; i < this.events.length; i++) {
      const e = this.events[i]!;
      text += `${JSON.stringify({ s: e.sequenceNumber, o: e.offset, t: e.enqueuedTime, b: e.bytes.toString('base64') } satisfies Line)}\n`;
    }
    writeFileSync(path, text);
  }
}
