/**
 * Structured Streaming's output modes for event-time aggregations. append: a window's final
 * result, once, in the batch whose watermark passes its end. update: every window this batch
 * changed, with its current value. Complete mode is not offered: it would keep every window forever.
 */
export type OutputMode = 'append' | 'update';

export function outputMode(value: unknown): OutputMode {
  if (value === undefined) return 'append';
  if (value === 'append' || value === 'update') return value;
  throw new RangeError(`outputMode: ${JSON.stringify(value)} must be "append" or "update"`);
}

/** True when a window ending at `end` is closed under `watermark`: its end is at or below it. */
export function isClosed(end: number, watermark: number | null): boolean {
  return watermark !== null && end <= watermark;
}

/** Whether a window is emitted by this batch under the mode. */
export function emits(mode: OutputMode, window: { end: number; changed: boolean }, watermark: number | null): boolean {
  return mode === 'append' ? isClosed(window.end, watermark) : window.changed;
}
